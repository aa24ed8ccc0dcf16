package dev.tally.gateway.proxy;

import static dev.tally.gateway.fake.FakeProvider.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.gateway.fake.Wire;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile input gets a documented 400 or 401 in the protocol's own error JSON, never a 500 (issue 15). */
class InputLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/v1/chat/completions";

    @TempDir
    Path dir;

    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        gw = GatewayFixture.start(dir);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private static JsonNode error(HttpResponse<String> res) throws Exception {
        return JSON.readTree(res.body()).path("error");
    }

    @Test
    void json_nested_2000_deep_is_a_400_invalid_json_naming_the_limit_on_every_protocol() throws Exception {
        String deep = "{\"model\":\"m\",\"messages\":" + "[".repeat(2000) + "]".repeat(2000) + "}";

        HttpResponse<String> openai = gw.post(CHAT, deep);
        HttpResponse<String> anthropic = gw.post("/v1/messages", deep);

        assertThat(openai.statusCode()).isEqualTo(400);
        assertThat(error(openai).path("code").asText()).isEqualTo("invalid_json");
        assertThat(error(openai).path("message").asText())
                .isEqualTo("body: nested deeper than 256 levels (expected: at most 256 levels of arrays and objects)");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(anthropic.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asText()).startsWith("body: nested deeper than 256 levels");
        assertThat(gw.calls()).extracting(CallRecord::errorCode).containsExactly("invalid_json", "invalid_json");
        assertThat(gw.calls()).noneMatch(r -> r.errorMessage().contains("NullPointerException"));
    }

    @Test
    void a_number_of_more_than_100_digits_is_a_400_invalid_json() throws Exception {
        HttpResponse<String> res = gw.post(CHAT, "{\"model\":\"gpt-4o\",\"temperature\":" + "9".repeat(1001) + "}");

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(error(res).path("code").asText()).isEqualTo("invalid_json");
        assertThat(error(res).path("message").asText()).startsWith("body: a number longer than 100 characters");
    }

    @Test
    void anything_after_the_json_value_is_a_400_invalid_json() throws Exception {
        for (String body : List.of("{\"model\":\"gpt-4o\"} garbage", "{\"model\":\"gpt-4o\"}{\"model\":\"gpt-4o\"}",
                "{\"model\":\"gpt-4o\"}]")) {
            HttpResponse<String> res = gw.post(CHAT, body);

            assertThat(res.statusCode()).as(body).isEqualTo(400);
            assertThat(error(res).path("code").asText()).as(body).isEqualTo("invalid_json");
        }
        assertThat(gw.provider.received()).isEmpty();
    }

    @Test
    void a_user_of_257_characters_is_a_400_naming_the_field_and_the_limit() throws Exception {
        HttpResponse<String> body = gw.post(CHAT, "{\"model\":\"gpt-4o\",\"user\":\"" + "u".repeat(257) + "\"}");
        HttpResponse<String> header = gw.post(CHAT, "{\"model\":\"gpt-4o\"}", "x-tally-user", "u".repeat(257));

        assertThat(body.statusCode()).isEqualTo(400);
        assertThat(error(body).path("param").asText()).isEqualTo("user");
        assertThat(error(body).path("message").asText()).isEqualTo("user: \"" + "u".repeat(39) + "... is 257 characters (expected: at most 256)");
        assertThat(header.statusCode()).isEqualTo(400);
        assertThat(error(header).path("code").asText()).isEqualTo("invalid_header");
        assertThat(error(header).path("message").asText()).isEqualTo("x-tally-user: '" + "u".repeat(37) + "...' is 257 characters "
                + "(expected: at most 256)");
        assertThat(gw.calls()).allSatisfy(r -> assertThat(r.user()).isNull());
    }

    @Test
    void tags_are_limited_in_name_value_and_number() throws Exception {
        HttpResponse<String> longName = gw.post(CHAT, "{\"model\":\"gpt-4o\"}", "x-tally-tag-" + "n".repeat(65), "v");
        HttpResponse<String> longValue = gw.post(CHAT, "{\"model\":\"gpt-4o\"}", "x-tally-tag-team", "v".repeat(257));
        String[] many = new String[66];
        for (int i = 0; i < 33; i++) {
            many[2 * i] = "x-tally-tag-t" + i;
            many[2 * i + 1] = "v";
        }
        HttpResponse<String> tooMany = gw.post(CHAT, "{\"model\":\"gpt-4o\"}", many);

        assertThat(error(longName).path("message").asText()).startsWith("tag name 'nnn").endsWith("(65 characters; expected: 1 to 64 "
                + "of a-z, 0-9, '_', '.', '-')");
        assertThat(error(longValue).path("message").asText()).endsWith("is 257 characters (expected: at most 256)");
        assertThat(error(tooMany).path("message").asText()).isEqualTo("x-tally-tag-*: 33 tags (expected: at most 32)");
        assertThat(List.of(longName, longValue, tooMany)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(400));
        assertThat(gw.calls()).hasSize(3).allSatisfy(r -> {
            assertThat(r.errorCode()).isEqualTo("invalid_header");
            assertThat(r.tags()).isEmpty();
        });
        assertThat(gw.provider.received()).isEmpty();
    }

    private RawExchange raw(String headers, String body) throws Exception {
        byte[] request = ("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n" + headers
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
        return RawExchange.send(gw.gateway.port(), "127.0.0.1", request, false);
    }

    @Test
    void header_values_are_utf8_so_alice_with_a_ring_and_with_a_slash_are_two_users() throws Exception {
        String ok = Wire.chatCompletion("gpt-4o", "ok", 5, 1, 0, 0);
        gw.provider.then(json(200, ok), json(200, ok));
        String auth = "Authorization: Bearer " + gw.clientKey + "\r\n";

        RawExchange ring = raw(auth + "x-tally-user: ålice\r\nx-tally-tag-team: café\r\n", "{\"model\":\"gpt-4o\"}");
        RawExchange slash = raw(auth + "x-tally-user: ølice\r\n", "{\"model\":\"gpt-4o\"}");

        assertThat(ring.status()).isEqualTo(200);
        assertThat(slash.status()).isEqualTo(200);
        assertThat(gw.calls()).extracting(CallRecord::user).containsExactly("ålice", "ølice");
        assertThat(gw.calls().getFirst().tags()).containsEntry("team", "café");
    }

    @Test
    void a_header_value_that_is_not_utf8_is_a_400_invalid_header() throws Exception {
        byte[] request = concat(("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + gw.clientKey
                + "\r\nx-tally-user: a").getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC3, 0x28},
                "\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));

        RawExchange res = RawExchange.send(gw.gateway.port(), "127.0.0.1", request, false);

        assertThat(res.status()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).path("error").path("message").asText())
                .isEqualTo("x-tally-user: not valid UTF-8 (expected: UTF-8 text, as HTTP clients send it)");
        assertThat(gw.onlyCall().errorCode()).isEqualTo("invalid_header");
    }

    @Test
    void two_authorization_headers_are_a_401_ambiguous_credentials_an_auth_failure_event_and_no_call_record() throws Exception {
        RawExchange res = raw("Authorization: Bearer " + gw.clientKey + "\r\nAuthorization: Bearer tk-" + "x".repeat(40) + "\r\n",
                "{\"model\":\"gpt-4o\"}");
        RawExchange differentApiKey = raw("Authorization: Bearer " + gw.clientKey + "\r\nx-api-key: tk-" + "y".repeat(40) + "\r\n",
                "{\"model\":\"gpt-4o\"}");

        assertThat(res.status()).isEqualTo(401);
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("ambiguous_credentials");
        assertThat(differentApiKey.status()).isEqualTo(401);
        assertThat(gw.calls()).isEmpty();
        assertThat(gw.securityEvents()).hasSize(2).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(SecurityEventType.AUTH_FAILURE);
            assertThat(e.detail()).startsWith("ambiguous credentials: ");
        });
        assertThat(gw.provider.received()).isEmpty();
    }

    @Test
    void the_same_key_in_authorization_and_x_api_key_is_one_key() throws Exception {
        gw.provider.then(json(200, Wire.chatCompletion("gpt-4o", "ok", 5, 1, 0, 0)));

        RawExchange res = raw("Authorization: Bearer " + gw.clientKey + "\r\nx-api-key: " + gw.clientKey + "\r\n", "{\"model\":\"gpt-4o\"}");

        assertThat(res.status()).isEqualTo(200);
    }

    @Test
    void a_body_shorter_than_its_content_length_gets_a_json_400() throws Exception {
        byte[] request = ("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gw.clientKey
                + "\r\nContent-Length: 100\r\n\r\n{\"model\":\"gpt-4o\"}").getBytes(StandardCharsets.US_ASCII);

        RawExchange res = RawExchange.send(gw.gateway.port(), "127.0.0.1", request, true);

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.headers().get("content-type")).isEqualTo("application/json");
        assertThat(JSON.readTree(res.body()).path("error").path("code").asText()).isEqualTo("body_length_mismatch");
    }

    @Test
    void a_body_that_stops_arriving_on_an_open_connection_does_not_hold_its_call_forever() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.gateway.port())) {
            socket.getOutputStream().write(("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gw.clientKey
                    + "\r\nContent-Length: 100\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoTimeout(120_000); // the watchdog gives up after 30 s without a byte and closes the connection
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }

        // The connection closes when the read is interrupted; the record follows on the call's thread.
        CallRecord r = null;
        for (int i = 0; i < 200 && r == null; i++) {
            r = gw.calls().stream().findFirst().orElse(null);
            Thread.sleep(50);
        }
        assertThat(r).isNotNull();
        assertThat(r.errorCode()).isEqualTo("body_length_mismatch");
        assertThat(r.errorMessage()).isEqualTo("body: 9 bytes arrived, then none for 30 s; content-length declared 100 "
                + "(expected: exactly content-length bytes)");
    }

    @Test
    void an_unknown_route_and_a_malformed_request_line_are_json_errors() throws Exception {
        HttpResponse<String> unknown = gw.get("/v1/chat/completions");
        RawExchange garbage = RawExchange.send(gw.gateway.port(), "127.0.0.1", "GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown).path("code").asText()).isEqualTo("unknown_route");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(JSON.readTree(garbage.body()).path("error").path("code").asText()).isEqualTo("invalid_request");
    }

    private static byte[] concat(byte[]... parts) {
        return BadInputProperties.concat(parts);
    }
}
