// Compiles Asio's TLS layer once, apart from asio_impl.cpp: a program that never speaks TLS (the
// parawork-hook binary agents' hooks run) then links neither this object nor OpenSSL's libssl.
#include <boost/asio/ssl/impl/src.hpp>
