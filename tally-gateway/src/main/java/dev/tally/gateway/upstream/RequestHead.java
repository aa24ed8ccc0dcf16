package dev.tally.gateway.upstream;

import dev.tally.gateway.config.GatewayConfig.Provider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The bytes of an HTTP/1.1 request head for {@link SocketUpstreamClient}: request line, host, the
 * provider's own credential ({@code Authorization: Bearer} for OpenAI, {@code x-api-key} for
 * Anthropic), content type and accept, the request's extra headers, content length. Header names
 * and values are checked so no value can end the head early or smuggle a second request.
 * Stateless.
 */
final class RequestHead {

    private static final byte[] JSON_HEADERS = ("content-type: application/json\r\nuser-agent: tally\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] ACCEPT_JSON = "accept: application/json\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] ACCEPT_STREAM = "accept: text/event-stream\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private RequestHead() {
    }

    /** The head of {@code request} sent along {@code route}. */
    static byte[] of(SocketUpstreamClient.Route route, UpstreamRequest request) {
        Provider provider = request.provider();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        ascii(out, "POST " + route.pathPrefix() + checkedPath(request.path()) + " HTTP/1.1\r\n");
        out.writeBytes(route.hostHeader());
        out.writeBytes(JSON_HEADERS);
        out.writeBytes(request.stream() ? ACCEPT_STREAM : ACCEPT_JSON);
        String secret = provider.apiKey().reveal();
        checkValue("api_key", secret);
        switch (provider.kind()) {
            case OPENAI -> ascii(out, "authorization: Bearer " + secret + "\r\n");
            case ANTHROPIC -> ascii(out, "x-api-key: " + secret + "\r\n");
        }
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            checkName(h.getKey());
            checkValue(h.getKey(), h.getValue());
            ascii(out, h.getKey() + ": " + h.getValue() + "\r\n");
        }
        ascii(out, "content-length: " + request.body().length + "\r\n\r\n");
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String checkedPath(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: no spaces or control characters)");
            }
        }
        return path;
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name: '' (expected: a token)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = c > ' ' && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            if (!token) {
                throw new IllegalArgumentException("header name: '" + name + "' (expected: a token, no separators or spaces)");
            }
        }
    }

    /** Values are never echoed in the message: one of them is the provider's secret. */
    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException(name + ": a control or non-Latin-1 character at index " + i
                        + " (expected: a header value on one line)");
            }
        }
    }
}
