package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.chain.ChainedEntry;
import dev.tally.gateway.fake.FakeProvider;
import dev.tally.gateway.fake.Wire;
import dev.tally.gateway.keys.KeySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated bad input against a whole gateway over real sockets: every route (the five proxied
 * POST routes, {@code GET /v1/models}, {@code GET /v1/usage}, admin reads and key writes) with
 * broken JSON, deep nesting, huge numbers, wrong types, data after the JSON, bad UTF-8 in the body
 * or in headers, oversized fields, too many or bad tags, duplicate credentials, bodies shorter or
 * longer than their content-length, broken chunked bodies (bad sizes, cut short, a bad last chunk),
 * bad or conflicting Content-Length and Transfer-Encoding headers, huge or very many headers, and bad
 * query parameters. Whatever arrives:
 *
 * <ul>
 *   <li>the answer is never a 5xx;
 *   <li>every error is JSON in the route's protocol shape with a code from {@link ErrorCode};
 *   <li>a request that got past authentication has exactly one call record (with that code), one
 *       that did not has none; the total number of records matches;
 *   <li>the gateway stays alive: a good request in between (and at the end) succeeds.
 * </ul>
 *
 * Each try comes from its own loopback address, so the brute-force slowdown (per client IP)
 * never holds a try back.
 */
class BadInputProperties {

    private static final int TRIES = 1_200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static GatewayFixture gw;
    private static String victimKeyId;
    private static final AtomicInteger tries = new AtomicInteger();
    private static final AtomicLong expectedRecords = new AtomicLong();

    enum Route {
        CHAT("POST", "/v1/chat/completions", "{\"model\":\"free-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        COMPLETION("POST", "/v1/completions", "{\"model\":\"free-model\",\"prompt\":\"hi\"}"),
        EMBEDDING("POST", "/v1/embeddings", "{\"model\":\"free-model\",\"input\":\"hi\"}"),
        RESPONSE("POST", "/v1/responses", "{\"model\":\"free-model\",\"input\":\"hi\"}"),
        MESSAGE("POST", "/v1/messages",
                "{\"model\":\"claude-sonnet\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        MODELS("GET", "/v1/models", ""),
        SELF_USAGE("GET", "/v1/usage", ""),
        ADMIN_LOGS("GET", "/v1/admin/logs", ""),
        ADMIN_USAGE("GET", "/v1/admin/usage", ""),
        ADMIN_CREATE_KEY("POST", "/v1/admin/keys", "{\"name\":\"k-%d\",\"tags\":{\"team\":\"hi\"}}"),
        ADMIN_UPDATE_KEY("PATCH", "/v1/admin/keys/%s", "{\"tags\":{\"team\":\"hi\"},\"requests_per_minute\":null}");

        final String method;
        final String path;
        final String body;

        Route(String method, String path, String body) {
            this.method = method;
            this.path = path;
            this.body = body;
        }

        boolean proxied() {
            return ordinal() <= MODELS.ordinal();
        }

        boolean admin() {
            return name().startsWith("ADMIN");
        }
    }

    enum Malformation {
        TRUNCATED_JSON, GARBAGE, DEEP_NESTING, HUGE_NUMBER, WRONG_TYPES, TRAILING_DATA, BAD_UTF8_BODY, BAD_UTF8_HEADER,
        OVERSIZED_USER, BAD_TAGS, DUPLICATE_AUTH, SHORT_BODY, LONG_BODY, BAD_QUERY, BAD_CHUNKS, BAD_FRAMING
    }

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("tally-bad-input");
        gw = GatewayFixture.start(dir);
        victimKeyId = gw.gateway.keys().create(KeySettings.named("victim"), "test").key().id();
    }

    @AfterContainer
    static void stop() throws IOException {
        if (gw != null) {
            gw.close();
        }
        // The store's files may still be closing (SQLite removes its -wal and -shm files as the
        // last connection closes): retry a few times, then name what was left.
        for (int attempt = 1; ; attempt++) {
            try {
                deleteTree(dir);
                return;
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                if (attempt == 5) {
                    try (Stream<Path> left = Files.walk(dir)) {
                        throw new IOException("left in " + dir + ": " + left.toList(), e);
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while deleting " + dir, interrupted);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Property(tries = TRIES)
    void bad_input_gets_a_catalogued_4xx_and_one_record_per_call_past_auth(@ForAll Route route, @ForAll Malformation kind,
            @ForAll @IntRange(min = 0, max = 1_000_000) int seed) throws Exception {
        int n = tries.incrementAndGet();
        BadRequest request = BadRequest.of(route, kind, seed, n, gw, victimKeyId);
        if (route.proxied()) {
            gw.provider.then(FakeProvider.json(200, Wire.chatCompletion("gpt-4o", "ok", 5, 1, 0, 0)));
        }

        RawExchange answer = RawExchange.send(gw.gateway.port(), address(n), request.bytes(), request.halfClose());

        String what = route + " " + kind + " seed " + seed + ": HTTP " + answer.status() + " " + clip(answer.text());
        assertThat(answer.status()).as(what).isBetween(200, 499);
        String code = null;
        if (answer.status() >= 400) {
            code = errorCode(route, answer, what);
        }
        String id = answer.headers().get("x-request-id");
        if (route.proxied() && id != null && answer.status() != 401) {
            expectedRecords.incrementAndGet();
            gw.recorder.flush();
            Optional<ChainedEntry> entry = gw.store.entry(id);
            assertThat(entry).as("the record of " + what).isPresent();
            CallRecord record = (CallRecord) entry.get().entry();
            assertThat(record.httpStatus()).as(what).isEqualTo(answer.status());
            if (answer.status() >= 400) {
                assertThat(ErrorCode.of(record.errorCode(), answer.status())).as(what).isNotNull();
                if (code != null) {
                    assertThat(record.errorCode()).as(what).isEqualTo(code);
                }
            }
        } else if (id != null) {
            gw.recorder.flush();
            assertThat(gw.store.entry(id)).as("no record for " + what).isEmpty();
        }
        if (n % 100 == 0 || n == TRIES) {
            stillServes();
            assertThat(callRecords()).as("call records after " + n + " tries").isEqualTo(expectedRecords.get());
        }
    }

    /** The error code in the body; null for the Anthropic shape, which carries none (its type is checked). */
    private static String errorCode(Route route, RawExchange answer, String what) throws IOException {
        assertThat(answer.headers().get("content-type")).as(what).startsWith("application/json");
        JsonNode body = JSON.readTree(answer.body());
        if (route == Route.MESSAGE && answer.headers().containsKey("x-request-id")) {
            assertThat(body.path("type").asText()).as(what).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).as(what).isEqualTo(ErrorCode.anthropicType(answer.status()));
            assertThat(body.path("error").path("message").asText()).as(what).isNotBlank();
            return null;
        }
        String code = body.path("error").path("code").asText();
        assertThat(ErrorCode.of(code, answer.status())).as(what).isNotNull();
        assertThat(body.path("error").path("type").asText()).as(what).isEqualTo(ErrorCode.openAiType(answer.status()));
        assertThat(body.path("error").path("message").asText()).as(what).isNotBlank();
        return code;
    }

    /** A good call still succeeds (and is recorded). */
    private static void stillServes() throws Exception {
        gw.provider.then(FakeProvider.json(200, Wire.chatCompletion("gpt-4o", "ok", 5, 1, 0, 0)));
        var res = gw.post("/v1/chat/completions", Route.CHAT.body);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        expectedRecords.incrementAndGet();
    }

    private static long callRecords() throws InterruptedException {
        gw.recorder.flush();
        long count = 0;
        CallQuery query = CallQuery.all(CallQuery.MAX_LIMIT);
        while (true) {
            Page<ChainedEntry> page = gw.store.calls(query);
            count += page.data().size();
            if (page.nextCursor() == null) {
                return count;
            }
            query = query.after(page.nextCursor());
        }
    }

    /** A loopback address of its own per try: 127.1.x.y. */
    private static String address(int n) {
        return "127.1." + (n / 250 % 250) + "." + (n % 250 + 1);
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Writes a request as bytes. */
    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
