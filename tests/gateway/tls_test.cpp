// TLS and mTLS on the real server: certificates made with the openssl command, a Beast
// client over OpenSSL.
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <map>
#include <thread>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"

namespace tg::gateway {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;

// A CA, a server certificate for 127.0.0.1 and client certificates (agency-system, and with
// `more`, oversight-system and stranger-system), all signed by the CA.
std::string MakeCertificates(bool more = false) {
  std::string d = testing::MakeTempDir("tls");
  std::string cmd =
      "cd " + d + " && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=tg-test-ca && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 && "
      "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=agency-system && "
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2";
  if (more) {
    for (const char* name : {"oversight", "stranger"}) {
      std::string n(name);
      cmd += " && openssl req -newkey rsa:2048 -nodes -keyout " + n + ".key -out " + n + ".csr -subj /CN=" + n +
             "-system/O=Test && openssl x509 -req -in " + n + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " +
             n + ".pem -days 2";
    }
  }
  if (testing::Run("(" + cmd + ")") != 0) throw std::runtime_error("openssl failed");  // quiet, all of it
  return d;
}

// One HTTPS GET; returns the status, or throws on a TLS or network failure.
std::pair<int, std::string> HttpsGet(unsigned short port, const std::string& ca, const std::string& target,
                                     const std::string& cert = "", const std::string& key = "",
                                     const std::map<std::string, std::string>& headers = {}) {
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
  for (const auto& [name, value] : headers) req.set(name, value);
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

// Agency systems bound to their certificates (tls.client_agencies) on a full gateway over
// mTLS: a certificate carries only its own agency's tokens.
class TlsGateway : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    county_ = new std::string(testing::MakeCounty("tls-gw"));
    tokens_ = new nlohmann::json(testing::ReadJsonFile(records::DemoTokensPath(*county_)));
    certs_ = new std::string(MakeCertificates(/*more=*/true));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(std::filesystem::path(*county_).parent_path());
    std::filesystem::remove_all(*certs_);
    delete county_;
    delete tokens_;
    delete certs_;
  }
  void TearDown() override {
    server_.reset();
    gateway_.reset();
  }

  GatewayConfig Config(bool require_client_cert) {
    GatewayConfig c = testing::CountyConfig(*county_);
    c.server.tls.cert_file = *certs_ + "/server.pem";
    c.server.tls.key_file = *certs_ + "/server.key";
    c.server.tls.client_ca_file = *certs_ + "/ca.pem";
    c.server.tls.require_client_cert = require_client_cert;
    c.server.tls.client_agencies = {{"/CN=agency-system", "lasd"}, {"/CN=oversight-system/O=Test", "la-oig"}};
    return c;
  }
  void Start(const GatewayConfig& c) {
    auto gw = testing::StartGateway(c);
    ASSERT_TRUE(gw.ok()) << gw.status().ToString();
    gateway_ = std::move(gw->gateway);
    server_ = std::move(gw->server);
  }
  // GET `target` as demo `principal` presenting certificate `cert` ("" = none).
  std::pair<int, nlohmann::json> Get(const std::string& principal, const std::string& cert, const std::string& target) {
    std::map<std::string, std::string> h = {{"Authorization", "Bearer " + (*tokens_)[principal].get<std::string>()},
                                            {"TrustGate-Purpose", "booking_operations"}};
    auto [status, body] = cert.empty() ? HttpsGet(server_->port(), *certs_ + "/ca.pem", target, "", "", h)
                                       : HttpsGet(server_->port(), *certs_ + "/ca.pem", target, *certs_ + "/" + cert +
                                                  ".pem", *certs_ + "/" + cert + ".key", h);
    return {status, nlohmann::json::parse(body)};
  }
  // The audit record at `index`, read by the inspector over the oversight system's certificate.
  nlohmann::json AuditRecordAt(uint64_t index) {
    auto [status, body] = Get("inspector-general", "oversight", "/v1/audit/entries/" + std::to_string(index));
    EXPECT_EQ(status, 200) << body.dump();
    return body["record"];
  }

  static constexpr const char* kBookings = "/v1/bookings?release_within=720h";
  static std::string* county_;
  static nlohmann::json* tokens_;
  static std::string* certs_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Server> server_;
};
std::string* TlsGateway::county_ = nullptr;
nlohmann::json* TlsGateway::tokens_ = nullptr;
std::string* TlsGateway::certs_ = nullptr;

TEST_F(TlsGateway, CertificateCarriesOnlyItsAgencysTokens) {
  Start(Config(/*require_client_cert=*/true));
  // The clerk's token over the clerk's agency system: served, the subject audited.
  auto [ok_status, ok] = Get("lasd-records-clerk", "client", kBookings);
  ASSERT_EQ(ok_status, 200) << ok.dump();
  auto ok_record = AuditRecordAt(ok["audit"]["index"].get<uint64_t>());
  EXPECT_EQ(ok_record["client_cert"], "/CN=agency-system");
  EXPECT_EQ(ok_record["outcome"], "released");

  // Another agency's token over the same certificate: refused, audited, naming both agencies.
  auto [bad_status, bad] = Get("ice-ero-officer", "client", kBookings);
  EXPECT_EQ(bad_status, 403) << bad.dump();
  EXPECT_EQ(bad["error"]["code"], "certificate_agency_mismatch");
  std::string message = bad["error"]["message"];
  EXPECT_NE(message.find("lasd"), std::string::npos) << message;
  EXPECT_NE(message.find("ice-ero-la"), std::string::npos) << message;
  ASSERT_TRUE(bad.contains("audit")) << bad.dump();
  EXPECT_FALSE(bad.contains("records"));
  auto bad_record = AuditRecordAt(bad["audit"]["index"].get<uint64_t>());
  EXPECT_EQ(bad_record["principal"], "ice-ero-officer");
  EXPECT_EQ(bad_record["agency"], "ice-ero-la");
  EXPECT_EQ(bad_record["client_cert"], "/CN=agency-system");
  EXPECT_EQ(bad_record["status"], 403);
  EXPECT_EQ(bad_record["outcome"], "unauthenticated");
  EXPECT_TRUE(bad_record["record_ids"].empty());

  // A certificate the CA signed but the map does not name: refused, whatever the token.
  auto [unmapped_status, unmapped] = Get("lasd-records-clerk", "stranger", kBookings);
  EXPECT_EQ(unmapped_status, 403) << unmapped.dump();
  EXPECT_EQ(unmapped["error"]["code"], "certificate_not_mapped");
  ASSERT_TRUE(unmapped.contains("audit")) << unmapped.dump();
  auto unmapped_record = AuditRecordAt(unmapped["audit"]["index"].get<uint64_t>());
  EXPECT_EQ(unmapped_record["client_cert"], "/CN=stranger-system/O=Test");
  EXPECT_EQ(unmapped_record["outcome"], "unauthenticated");
}

TEST_F(TlsGateway, RefusalsBeforeRoutingRecordTheCertificate) {
  Start(Config(/*require_client_cert=*/true));
  auto [ok_status, ok] = Get("lasd-records-clerk", "client", kBookings);
  ASSERT_EQ(ok_status, 200) << ok.dump();
  uint64_t before = ok["audit"]["index"].get<uint64_t>();

  // A declared body over the limit: refused with the header, before any route or token.
  auto [status, body] = HttpsGet(server_->port(), *certs_ + "/ca.pem", kBookings, *certs_ + "/client.pem",
                                 *certs_ + "/client.key", {{"Content-Length", "2000000"}});
  EXPECT_EQ(status, 413) << body;

  // Nothing else came in between: the refusal is the next entry. It is committed without
  // holding the answer, so it may not be in the audit store yet.
  nlohmann::json record;
  for (int i = 0; i < 300 && record.is_null(); ++i) {
    auto [st, entry] = Get("inspector-general", "oversight", "/v1/audit/entries/" + std::to_string(before + 1));
    if (st == 200) record = entry["record"];
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(record.is_null()) << "the refusal was not audited";
  EXPECT_EQ(record["status"], 413);
  EXPECT_EQ(record["outcome"], "invalid");
  EXPECT_EQ(record["client_cert"], "/CN=agency-system");
}

TEST_F(TlsGateway, RequestsWithoutACertificateAreNotBound) {
  // client_ca without require_client_cert: a certificate is optional; without one the
  // token alone decides, as before.
  Start(Config(/*require_client_cert=*/false));
  auto [status, body] = Get("lasd-records-clerk", "", kBookings);
  EXPECT_EQ(status, 200) << body.dump();
  auto [ice_status, ice] = Get("ice-ero-officer", "", kBookings);
  bool certificate_refusal = ice.contains("error") &&
                             ice["error"]["code"].get<std::string>().rfind("certificate_", 0) == 0;
  EXPECT_FALSE(certificate_refusal) << ice_status << " " << ice.dump();
  auto record = AuditRecordAt(body["audit"]["index"].get<uint64_t>());
  EXPECT_EQ(record["client_cert"], "");
  // Presented all the same, a certificate is checked.
  auto [bound_status, bound] = Get("ice-ero-officer", "client", kBookings);
  EXPECT_EQ(bound_status, 403);
  EXPECT_EQ(bound["error"]["code"], "certificate_agency_mismatch");
}

TEST_F(TlsGateway, UnknownAgencyInTheMapStopsTheGateway) {
  GatewayConfig c = Config(true);
  c.server.tls.client_agencies["/CN=agency-system"] = "no-such-agency";
  auto gw = Gateway::Open(c);
  ASSERT_FALSE(gw.ok());
  EXPECT_NE(gw.status().message().find("tls.client_agencies"), std::string::npos) << gw.status().ToString();
  EXPECT_NE(gw.status().message().find("no-such-agency"), std::string::npos) << gw.status().ToString();
}

TEST(TlsConfig, ClientAgenciesAreValidatedAtLoad) {
  std::string d = testing::MakeTempDir("tls-cfg");
  auto load = [&](const std::string& client_agencies) {
    testing::WriteFile(d + "/c.json", R"({"store": "county.db", "log": {"dir": "log"}, "policies": {"root": "p"},
      "tls": {"cert": "s.pem", "key": "s.key", "client_ca": "ca.pem", "require_client_cert": true,
              "client_agencies": )" + client_agencies + "}}");
    return LoadConfig(d + "/c.json");
  };
  auto good = load(R"({"/CN=lasd-jail-system/O=LASD": "lasd"})");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->server.tls.client_agencies.at("/CN=lasd-jail-system/O=LASD"), "lasd");
  for (const char* bad : {R"(["lasd"])", R"({"/CN=x": ""})", R"({"/CN=x": 7})", R"({"CN=x, O=y": "lasd"})"}) {
    auto r = load(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("tls.client_agencies"), std::string::npos) << r.status().ToString();
  }
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace tg::gateway
