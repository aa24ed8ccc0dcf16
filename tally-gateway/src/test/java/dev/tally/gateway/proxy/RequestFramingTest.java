package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.entry.CallRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken HTTP framing (chunked bodies with a bad size or cut short, a Content-Length that is not a
 * number) and empty or ambiguous bodies get a catalogued JSON 4xx on every route, never a 500
 * (issue 15, "go past the issue").
 */
class RequestFramingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/v1/chat/completions";
    private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

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

    private RawExchange send(String method, String path, String credential, String headers, String body, boolean halfClose)
            throws Exception {
        String request = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + credential + "\r\n" + headers + "\r\n" + body;
        return RawExchange.send(gw.gateway.port(), "127.0.0.1", request.getBytes(StandardCharsets.ISO_8859_1), halfClose);
    }

    private static JsonNode error(RawExchange res) throws Exception {
        assertThat(res.headers().get("content-type")).startsWith("application/json");
        return JSON.readTree(res.body()).path("error");
    }

    @Test
    void a_chunk_size_that_is_not_a_hex_number_is_a_400_invalid_request_with_its_record() throws Exception {
        for (String size : List.of("zz", "-1", "ffffffffffffffffff")) {
            RawExchange res = send("POST", CHAT, gw.clientKey, "Transfer-Encoding: chunked\r\n",
                    size + "\r\n" + BODY + "\r\n0\r\n\r\n", false);

            assertThat(res.status()).as(size).isEqualTo(400);
            assertThat(error(res).path("code").asText()).as(size).isEqualTo("invalid_request");
            assertThat(error(res).path("message").asText()).as(size)
                    .startsWith("body: a chunk size that is not a hexadecimal number below 2^31")
                    .endsWith("(expected: chunks of <hex size>CRLF<data>CRLF, ending with 0CRLFCRLF)");
        }
        assertThat(gw.calls()).extracting(CallRecord::errorCode).containsExactly("invalid_request", "invalid_request",
                "invalid_request");
        assertThat(gw.calls()).extracting(CallRecord::httpStatus).containsOnly(400);
    }

    @Test
    void a_chunked_body_cut_short_is_a_400_body_length_mismatch() throws Exception {
        RawExchange res = send("POST", CHAT, gw.clientKey, "Transfer-Encoding: chunked\r\n",
                Integer.toHexString(BODY.length()) + "\r\n" + BODY.substring(0, 10), true);

        assertThat(res.status()).isEqualTo(400);
        assertThat(error(res).path("code").asText()).isEqualTo("body_length_mismatch");
        assertThat(error(res).path("message").asText()).isEqualTo("body: 0 bytes arrived in whole chunks, then the client stopped sending "
                + "before the chunked body's last chunk (expected: a chunked body ending with a chunk of size 0)");
        assertThat(gw.onlyCall().errorCode()).isEqualTo("body_length_mismatch");
    }

    @Test
    void the_admin_api_refuses_a_broken_chunked_body_with_a_400() throws Exception {
        RawExchange res = send("POST", "/v1/admin/keys", GatewayFixture.ADMIN_TOKEN, "Transfer-Encoding: chunked\r\n",
                "zz\r\n{\"name\":\"k\"}\r\n0\r\n\r\n", false);

        assertThat(res.status()).isEqualTo(400);
        assertThat(error(res).path("code").asText()).isEqualTo("invalid_request");
    }

    @Test
    void a_content_length_that_is_not_a_non_negative_number_is_a_json_400_and_no_record() throws Exception {
        for (String length : List.of("-5", "abc", "1e3", "99999999999999999999")) {
            RawExchange res = send("POST", CHAT, gw.clientKey, "Content-Length: " + length + "\r\n", BODY, false);

            assertThat(res.status()).as(length).isEqualTo(400);
            assertThat(error(res).path("code").asText()).as(length).isEqualTo("invalid_request");
        }
        assertThat(gw.calls()).isEmpty();
    }

    @Test
    void an_empty_body_is_a_catalogued_400_on_every_route_that_takes_one() throws Exception {
        for (Endpoint endpoint : Endpoint.values()) {
            RawExchange res = send("POST", endpoint.path(), gw.clientKey, "Content-Length: 0\r\n", "", false);

            assertThat(res.status()).as(endpoint.path()).isEqualTo(400);
            if (endpoint.protocol() == dev.tally.audit.entry.Protocol.ANTHROPIC) {
                assertThat(JSON.readTree(res.body()).path("error").path("message").asText()).isEqualTo(
                        "body: empty (expected: a JSON object)");
            } else {
                assertThat(error(res).path("code").asText()).as(endpoint.path()).isEqualTo("invalid_request");
            }
        }
        for (String method : List.of("POST /v1/admin/keys", "PATCH /v1/admin/keys/nobody")) {
            String[] m = method.split(" ");
            RawExchange res = send(m[0], m[1], GatewayFixture.ADMIN_TOKEN, "Content-Length: 0\r\n", "", false);

            assertThat(res.status()).as(method).isBetween(400, 404);
            assertThat(error(res).path("code").asText()).as(method).isIn("invalid_parameter", "invalid_request", "not_found");
        }
        assertThat(gw.calls()).hasSize(Endpoint.values().length);
    }

    @Test
    void a_body_with_the_model_key_twice_is_a_400_invalid_json_and_nothing_is_forwarded() throws Exception {
        RawExchange res = send("POST", CHAT, gw.clientKey, "Content-Length: 45\r\n",
                "{\"model\":\"gpt-4o\",\"model\":\"dead-model\",\"n\":1}", false);

        assertThat(res.status()).isEqualTo(400);
        assertThat(error(res).path("code").asText()).isEqualTo("invalid_json");
        assertThat(error(res).path("message").asText()).contains("Duplicate field 'model'");
        assertThat(gw.provider.received()).isEmpty();
    }
}
