// TLS and mTLS on the real server: certificates made with the openssl command, a Beast
// client over OpenSSL.
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>

#include "e2e_fixture.h"
#include "gateway/server.h"

namespace tg::gateway {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;

// A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA.
std::string MakeCertificates() {
  std::string d = testing::MakeTempDir("tls");
  std::string cmd =
      "cd " + d + " && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=tg-test-ca && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 && "
      "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=agency-system && "
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2";
  if (testing::Run(cmd) != 0) throw std::runtime_error("openssl failed");
  return d;
}

// One HTTPS GET; returns the status, or throws on a TLS or network failure.
std::pair<int, std::string> HttpsGet(unsigned short port, const std::string& ca, const std::string& target,
                                     const std::string& cert = "", const std::string& key = "") {
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(ca);
  ctx.set_verify_mode(ssl::verify_peer);
  if (!cert.empty()) {
    ctx.use_certificate_chain_file(cert);
    ctx.use_private_key_file(key, ssl::context::pem);
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  stream.handshake(ssl::stream_base::client);
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

Handler Hello() {
  return [](Request req, Respond respond) {
    respond(JsonBody(nlohmann::json{{"tls", req.tls}, {"subject", req.client_cert_subject}}.dump()));
  };
}

TEST(Tls, ServesHttpsWithTheConfiguredCertificate) {
  std::string d = MakeCertificates();
  ServerConfig c;
  c.listen = "127.0.0.1:0";
  c.threads = 1;
  c.tls.cert_file = d + "/server.pem";
  c.tls.key_file = d + "/server.key";
  auto s = Server::Start(c, Hello());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_STREQ((*s)->scheme(), "https");
  auto [status, body] = HttpsGet((*s)->port(), d + "/ca.pem", "/");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(nlohmann::json::parse(body)["tls"], true);
  // A plain-HTTP client gets no answer from a TLS port.
  testing::HttpClient plain((*s)->port());
  EXPECT_THROW(plain.Send("GET", "/"), boost::system::system_error);
  std::filesystem::remove_all(d);
}

TEST(Tls, MutualTlsRequiresAClientCertificate) {
  std::string d = MakeCertificates();
  ServerConfig c;
  c.listen = "127.0.0.1:0";
  c.threads = 1;
  c.tls.cert_file = d + "/server.pem";
  c.tls.key_file = d + "/server.key";
  c.tls.client_ca_file = d + "/ca.pem";
  c.tls.require_client_cert = true;
  auto s = Server::Start(c, Hello());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_ANY_THROW(HttpsGet((*s)->port(), d + "/ca.pem", "/"));
  auto [status, body] = HttpsGet((*s)->port(), d + "/ca.pem", "/", d + "/client.pem", d + "/client.key");
  EXPECT_EQ(status, 200);
  EXPECT_NE(nlohmann::json::parse(body)["subject"].get<std::string>().find("agency-system"), std::string::npos);
  std::filesystem::remove_all(d);
}

TEST(Tls, MissingCertificateFileIsAClearError) {
  ServerConfig c;
  c.listen = "127.0.0.1:0";
  c.tls.cert_file = "/nonexistent/server.pem";
  c.tls.key_file = "/nonexistent/server.key";
  auto s = Server::Start(c, Hello());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("/nonexistent/server.pem"), std::string::npos);
}

}  // namespace
}  // namespace tg::gateway
