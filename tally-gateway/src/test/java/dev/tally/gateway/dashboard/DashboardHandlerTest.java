package dev.tally.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dashboard's files over a real socket: types, caching, security headers, and nothing else reachable. */
class DashboardHandlerTest {

    private static WebServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        HttpRouting.Builder routing = HttpRouting.builder();
        DashboardHandler.register(routing);
        routing.get("/v1/admin/secret", (req, res) -> res.send("admin-only"));
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false).routing(routing).build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pageIsHtmlWithAStrictPolicyAndPointsAtTheVersionedChartLibrary() throws Exception {
        for (String path : new String[] {"/dashboard", "/dashboard/"}) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("content-security-policy")).hasValue(DashboardHandler.CONTENT_SECURITY_POLICY);
            assertThat(DashboardHandler.CONTENT_SECURITY_POLICY).contains("default-src 'self'", "script-src 'self'",
                    "frame-ancestors 'none'").doesNotContain("unsafe", "*", "http:", "https:");
            assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(page.body()).contains("<script type=\"module\" src=\"/dashboard/app.js\">")
                    .contains(new DashboardAssets().chartPath())
                    .doesNotContain("{{chart.js}}");
        }
    }

    @Test
    void ownFilesHaveTheirTypesAndAreRevalidatedByEtag() throws Exception {
        HttpResponse<String> js = get("/dashboard/app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("cache-control")).hasValue("no-cache");
        String etag = js.headers().firstValue("etag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");

        HttpResponse<String> again = get("/dashboard/app.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/dashboard/app.js", "If-None-Match", "\"0000\"").statusCode()).isEqualTo(200);

        assertThat(get("/dashboard/style.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/dashboard/favicon.svg").headers().firstValue("content-type")).hasValue("image/svg+xml");
    }

    @Test
    void chartLibraryComesFromTheWebJarAndIsCachedForGood() throws Exception {
        String path = new DashboardAssets().chartPath();
        assertThat(path).matches("/dashboard/vendor/chart\\.js/[0-9][0-9A-Za-z.-]*/chart\\.umd\\.min\\.js");
        HttpResponse<String> lib = get(path);
        assertThat(lib.statusCode()).isEqualTo(200);
        assertThat(lib.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(lib.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(lib.body()).contains("Chart.js").hasSizeGreaterThan(100_000);
        assertThat(get(path.replaceAll("/[0-9][^/]*/", "/0.0.1/")).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownFilesAre404WithThePolicyToo() throws Exception {
        HttpResponse<String> missing = get("/dashboard/nope.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-security-policy")).hasValue(DashboardHandler.CONTENT_SECURITY_POLICY);
        assertThat(missing.headers().firstValue("cache-control")).hasValue("no-store");
    }

    /**
     * Plain dot segments are removed before routing (RFC 3986, as a browser does), so
     * {@code /dashboard/../x} is simply a request for {@code /x}, answered by its own route;
     * the dashboard handler never sees a dot segment.
     */
    @Test
    void dotSegmentsAreResolvedBeforeRoutingLikeABrowserWould() throws Exception {
        assertThat(raw("/dashboard/../v1/admin/secret")).endsWith("admin-only");
        assertThat(raw("/dashboard/vendor/../app.js")).startsWith("HTTP/1.1 200").contains("text/javascript");
    }

    /** Raw request lines, so no client normalises the path before the server sees it. */
    @ParameterizedTest
    @ValueSource(strings = {
        "/dashboard/..%2fv1%2fadmin%2fsecret",
        "/dashboard/%2e%2e/%2e%2e/pom.xml",
        "/dashboard/%2e%2e%2f%2e%2e%2fMETA-INF%2fMANIFEST.MF",
        "/dashboard/..\\..\\META-INF\\MANIFEST.MF",
        "/dashboard/dashboard/app.js",
        "/dashboard/./app.js/",
        "/dashboard/%2fdashboard%2fapp.js",
        "/dashboard/DashboardHandler.class",
        "/dashboard/../dev/tally/gateway/dashboard/DashboardHandler.class",
        "/dashboard/vendor/chart.js/4.5.1/../../../../META-INF/MANIFEST.MF",
        "/dashboard/vendor/chart.js/4.5.1/package.json",
        "/dashboard/index.html%00.js",
        "/dashboard/app.js%00",
        "/dashboard//etc/passwd",
        "/dashboard/%252e%252e/pom.xml",
    })
    void noPathReachesAnythingOutsideTheDashboard(String path) throws Exception {
        String answer = raw(path);
        Matcher status = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(answer);
        assertThat(status.find()).as(answer).isTrue();
        int code = Integer.parseInt(status.group(1));
        assertThat(code).as(path + " → " + answer).isIn(400, 404);
        assertThat(answer).doesNotContain("admin-only", "Manifest-Version", "<project", "root:", "\u00ca\u00fe\u00ba\u00be");
    }

    private static String raw(String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return head.toString();
                }
                head.append((char) b);
            }
            Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return head + new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void theNamePatternAcceptsOnlyOneSegmentWithAKnownExtension() {
        assertThat(DashboardAssets.NAME.matcher("app.js").matches()).isTrue();
        assertThat(DashboardAssets.NAME.matcher("time-chart.css").matches()).isTrue();
        for (String bad : new String[] {"../app.js", "a/b.js", ".js", "App.js", "app.class", "app.js.map", "app..js", "app.js "}) {
            assertThat(DashboardAssets.NAME.matcher(bad).matches()).as(bad).isFalse();
        }
    }
}
