// Compiles Asio and Beast once for the whole program (BOOST_*_SEPARATE_COMPILATION is set for
// every target in CMakeLists.txt): each other translation unit then includes only declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
