package dev.tally.cli.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.json.Json;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.UsageFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A client of a gateway's admin API (DESIGN.md section 4) on the JDK's {@link HttpClient}: sends
 * the admin token as {@code Authorization: Bearer}, and turns answers other than 2xx into one-line
 * failures — 400 (a bad parameter) into a {@link UsageFailure}, anything else into a
 * {@link CommandFailure} naming the status and the gateway's own message. The token is never part
 * of a message. Thread-safe; blocking methods return once the answer's headers (for
 * {@link #stream}) or its whole body were read.
 */
public final class AdminClient {

    /** How long to wait for a connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a JSON answer may take; exports stream and have no total bound. */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

    private final URI base;
    private final String token;
    private final HttpClient http;

    /**
     * @param base the gateway's address, e.g. {@code http://127.0.0.1:8080}
     * @param token the admin token
     */
    public AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** The gateway's address as given. */
    public URI base() {
        return base;
    }

    /** GET {@code path?params} and parse the JSON answer. */
    public JsonNode get(String path, List<Map.Entry<String, String>> params) {
        return json(request(path, params).GET().timeout(ANSWER_TIMEOUT).build());
    }

    /**
     * GET {@code path} and parse the JSON answer; empty when the gateway answers 409 (a state that
     * passes, such as {@code not_yet_signed}), otherwise like {@link #get}.
     */
    public java.util.Optional<JsonNode> getUnlessConflict(String path) {
        HttpRequest request = request(path, List.of()).GET().timeout(ANSWER_TIMEOUT).build();
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() == 409) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(parsed(request, response));
    }

    /** Sends {@code method path} with a JSON body (or none when null) and parses the JSON answer. */
    public JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
        HttpRequest.Builder request = request(path, List.of()).method(method, publisher).timeout(ANSWER_TIMEOUT);
        if (body != null) {
            request.header("content-type", "application/json");
        }
        return json(request.build());
    }

    /**
     * POST {@code path?params} without a body, waiting up to {@code timeout} for the JSON answer
     * (for work the gateway does before it answers, such as a re-pricing run).
     */
    public JsonNode post(String path, List<Map.Entry<String, String>> params, Duration timeout) {
        return json(request(path, params).POST(HttpRequest.BodyPublishers.noBody()).timeout(timeout).build());
    }

    /** GET {@code path?params} and hand over the body as it arrives; the caller closes it. */
    public InputStream stream(String path, List<Map.Entry<String, String>> params) {
        HttpRequest request = request(path, params).GET().build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            String text;
            try (InputStream body = response.body()) {
                text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            throw failure(request, response.statusCode(), text);
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path, List<Map.Entry<String, String>> params) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> p : params) {
            query.append(query.isEmpty() ? "?" : "&").append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        return HttpRequest.newBuilder(URI.create(root + path + query))
                .header("authorization", "Bearer " + token)
                .header("accept", "application/json");
    }

    private JsonNode json(HttpRequest request) {
        return parsed(request, exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }

    private JsonNode parsed(HttpRequest request, HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw failure(request, response.statusCode(), response.body());
        }
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new CommandFailure("url: " + request.uri().getPath() + " answered " + response.statusCode()
                    + " with a body that is not JSON (expected: the admin API of a Tally gateway at " + base + ")", e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CommandFailure("url: cannot connect to " + base + " (expected: a running Tally gateway; "
                    + "is it started and is the address right?)", e);
        } catch (HttpTimeoutException e) {
            throw new CommandFailure("url: " + base + " did not answer " + request.uri().getPath() + " in time ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new CommandFailure("url: request to " + base + request.uri().getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted while waiting for " + base, e);
        }
    }

    private RuntimeException failure(HttpRequest request, int status, String body) {
        String message = errorMessage(body);
        String path = request.uri().getPath();
        return switch (status) {
            case 400 -> new UsageFailure(message);
            case 401, 403 -> new CommandFailure("token: the gateway at " + base + " refused the admin token (" + status
                    + "; expected: its admin token in --token, --token-file or TALLY_ADMIN_TOKEN)");
            case 404 -> new CommandFailure("url: " + base + path + " answered 404 (" + message
                    + "; expected: a Tally gateway whose admin API has this route)");
            default -> new CommandFailure("url: " + base + path + " answered " + status + ": " + message);
        };
    }

    /** The gateway's error text: {@code {"error":{"message":…}}}, {@code {"error":"…"}}, or the body itself. */
    static String errorMessage(String body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node != null && node.has("error")) {
                JsonNode error = node.get("error");
                if (error.isTextual()) {
                    return error.asText();
                }
                if (error.hasNonNull("message")) {
                    return error.get("message").asText();
                }
            }
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the raw text
        }
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
