package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.gateway.json.ClientJson;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The streaming read of a client's body ({@link RequestScan}) against the tree parse it stands in
 * for ({@link ClientRequest#parseTree}): for generated bodies (the fields it reads, of right and
 * wrong types, absent, null, nested, duplicated, among other fields, with data after the object or
 * cut short), whenever the scan accepts a body the tree parse accepts it too and reads the same
 * model, stream flag, user, service tier and usage option; whenever the scan does not, the
 * request is what the tree parse says ({@link ClientRequest#parse} falls back to it).
 */
class RequestScanProperties {

    private static final ObjectMapper MAPPER = ClientJson.newMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    @Property(tries = 3_000)
    void theScanAgreesWithTheTree(@ForAll("endpoints") Endpoint endpoint, @ForAll("bodies") String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        ClientRequest scanned = RequestScan.scan(MAPPER, endpoint, raw);
        ClientRequest tree;
        try {
            tree = ClientRequest.parseTree(endpoint, raw);
        } catch (ClientRequest.Invalid invalid) {
            assertThat(scanned).as("scan of a body the tree refuses: %s", text).isNull();
            return;
        }
        if (scanned == null) {
            return; // the tree decides; parse() gives the tree's result
        }
        assertThat(scanned.model()).isEqualTo(tree.model());
        assertThat(scanned.stream()).isEqualTo(tree.stream());
        assertThat(scanned.user()).isEqualTo(tree.user());
        assertThat(scanned.serviceTier()).isEqualTo(tree.serviceTier());
        assertThat(scanned.usageChunkHidden()).isEqualTo(tree.usageChunkHidden());
        assertThat(scanned.requestBytes()).isEqualTo(tree.requestBytes());
        assertThat(scanned.body()).isEqualTo(tree.body());
        assertThat(scanned.upstreamBody("upstream-name")).isEqualTo(tree.upstreamBody("upstream-name"));
        assertThat(scanned.upstreamBody(tree.model())).isEqualTo(tree.upstreamBody(tree.model()));
    }

    @Example
    void anOrdinaryChatBodyIsReadWithoutATree() throws Exception {
        byte[] raw = """
                {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"user":"u-1","service_tier":"flex",
                 "stream":true,"stream_options":{"include_usage":true},"tools":[{"type":"function"}]}"""
                .getBytes(StandardCharsets.UTF_8);
        ClientRequest request = RequestScan.scan(MAPPER, Endpoint.CHAT, raw);
        assertThat(request).isNotNull();
        assertThat(request.model()).isEqualTo("gpt-4o");
        assertThat(request.stream()).isTrue();
        assertThat(request.user()).isEqualTo("u-1");
        assertThat(request.serviceTier()).isEqualTo("flex");
        assertThat(request.usageChunkHidden()).isFalse();
        assertThat(request.upstreamBody("gpt-4o")).isSameAs(raw);
    }

    @Example
    void aDuplicateKeyDeepInsideIsRefusedWithTheTreesWords() {
        byte[] raw = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"role\":\"system\"}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestScan.scan(MAPPER, Endpoint.CHAT, raw)).isNull();
        assertThatThrownBy(() -> ClientRequest.parse(Endpoint.CHAT, raw)).isInstanceOf(ClientRequest.Invalid.class)
                .hasMessageContaining("Duplicate field 'role'");
    }

    @Example
    void dataAfterTheObjectIsRefusedWithTheTreesWords() {
        byte[] raw = "{\"model\":\"m\"} {}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestScan.scan(MAPPER, Endpoint.CHAT, raw)).isNull();
        assertThatThrownBy(() -> ClientRequest.parse(Endpoint.CHAT, raw)).isInstanceOf(ClientRequest.Invalid.class)
                .hasMessageContaining("more data after the JSON value");
    }

    @Example
    void anthropicUserIsMetadataUserId() throws Exception {
        byte[] raw = "{\"model\":\"claude\",\"user\":\"ignored\",\"metadata\":{\"user_id\":\"u-7\",\"x\":[1]}}"
                .getBytes(StandardCharsets.UTF_8);
        ClientRequest request = ClientRequest.parse(Endpoint.MESSAGE, raw);
        assertThat(request.user()).isEqualTo("u-7");
        assertThat(RequestScan.scan(MAPPER, Endpoint.MESSAGE, raw)).isNotNull();
    }

    @Provide
    Arbitrary<Endpoint> endpoints() {
        return Arbitraries.of(Endpoint.CHAT, Endpoint.COMPLETION, Endpoint.EMBEDDING, Endpoint.MESSAGE);
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> field = Arbitraries.oneOf(
                value(Arbitraries.of("model")),
                value(Arbitraries.of("stream")),
                value(Arbitraries.of("user")),
                value(Arbitraries.of("service_tier")),
                value(Arbitraries.of("messages", "max_tokens", "temperature", "tools")),
                Arbitraries.of("\"stream_options\":{\"include_usage\":true}", "\"stream_options\":{\"include_usage\":false}",
                        "\"stream_options\":{\"include_usage\":\"true\"}", "\"stream_options\":{\"include_usage\":1}",
                        "\"stream_options\":{}", "\"stream_options\":null", "\"stream_options\":[]", "\"stream_options\":7"),
                Arbitraries.of("\"metadata\":{\"user_id\":\"u-2\"}", "\"metadata\":{\"user_id\":null}", "\"metadata\":{\"user_id\":5}",
                        "\"metadata\":\"x\"", "\"metadata\":{\"user_id\":\"a\",\"user_id\":\"b\"}", "\"metadata\":{}",
                        "\"metadata\":{\"other\":{\"user_id\":3}}"));
        Arbitrary<String> object = field.list().ofMaxSize(7).map(fields -> "{" + String.join(",", fields) + "}");
        return Combinators.combine(object, Arbitraries.of("", "", "", " ", "\n", " {}", "x", "]", ",", "}"),
                Arbitraries.integers().between(0, 20))
                .as((body, tail, cut) -> {
                    String whole = body + tail;
                    // now and then a body cut short
                    return cut == 0 && whole.length() > 2 ? whole.substring(0, whole.length() / 2) : whole;
                });
    }

    private static Arbitrary<String> value(Arbitrary<String> name) {
        Arbitrary<String> values = Arbitraries.of("\"gpt-4o\"", "\"\"", "\"  \"", "null", "true", "false", "0", "1.5", "-3",
                "[]", "[1,{\"a\":[]}]", "{}", "{\"k\":\"v\",\"n\":{\"m\":null}}", "\"flex\"", "\"a\\u0001b\"",
                "\"" + "x".repeat(70) + "\"", "\"" + "u".repeat(300) + "\"", "\"caf\\u00e9\"", "\"\\\"q\\\"\"");
        return Combinators.combine(name, values).as((n, v) -> "\"" + n + "\":" + v);
    }
}
