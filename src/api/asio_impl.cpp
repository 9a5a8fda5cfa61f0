// Compiles Asio and Beast once for the whole program (BOOST_*_SEPARATE_COMPILATION is set for
// every target in CMakeLists.txt): each other translation unit then includes only declarations.
// The TLS layer is in asio_ssl_impl.cpp.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
