package dev.tally.cli.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code tally logs --id}: one call record with its place in the chain and its kept payload, as
 * {@code GET /v1/admin/logs/{id}} answers it. For people: one {@code field: value} line per
 * field in canonical order, then the kept request and response bodies as text; for scripts the
 * object itself on one line. Control characters other than line breaks and tabs are shown as
 * spaces so a stored body cannot drive the terminal. Stateless.
 */
final class RecordDetail {

    private RecordDetail() {
    }

    static void json(PrintWriter out, ObjectNode detail) {
        out.println(detail.toString());
    }

    static void text(PrintWriter out, ObjectNode detail) {
        int width = 0;
        for (Iterator<String> names = detail.fieldNames(); names.hasNext(); ) {
            width = Math.max(width, names.next().length());
        }
        JsonNode payload = detail.path("kept_payload");
        for (Iterator<Map.Entry<String, JsonNode>> fields = detail.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals("kept_payload")) {
                continue;
            }
            String value = f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString();
            out.println(f.getKey() + ":" + " ".repeat(width - f.getKey().length() + 1) + clean(value, false));
        }
        String label = "kept_payload:" + " ".repeat(width - "kept_payload".length() + 1);
        if (!payload.isObject()) {
            out.println(label + "none");
            return;
        }
        out.println(label + payload.path("mode").asText()
                + (payload.path("truncated").asBoolean() ? " (truncated)" : "") + ", request sha256 "
                + payload.path("request_sha256").asText("-") + ", response sha256 "
                + payload.path("response_sha256").asText("-"));
        for (String part : new String[] {"request", "response"}) {
            if (payload.hasNonNull(part)) {
                out.println("--- " + part);
                out.println(clean(payload.get(part).asText(), true));
            }
        }
    }

    private static String clean(String value, boolean multiline) {
        StringBuilder s = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            boolean kept = !Character.isISOControl(c) || (multiline && (c == '\n' || c == '\t'));
            s.appendCodePoint(kept ? c : ' ');
        });
        return s.toString();
    }
}
