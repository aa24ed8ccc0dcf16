package dev.tally.gateway.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Adds {@code "cost":<usd>} to the {@code usage} object of a JSON answer, the way OpenRouter
 * reports it, by splicing bytes: everything else, the provider's formatting and number spelling
 * included, stays exactly as it was. The object is found with a streaming parser (no tree is
 * built); the insertion goes right before its closing brace. Stateless and thread-safe.
 */
final class UsageCost {

    private static final JsonFactory JSON = new JsonFactory();

    private UsageCost() {
    }

    /**
     * {@code json} with {@code "cost":usd} as the last member of the object at {@code path}
     * (e.g. {@code usage}, or {@code response}, {@code usage}), or null when there is no such
     * object, it already has a {@code cost}, or {@code json} is not a JSON object.
     *
     * @param usd a decimal string that is also a JSON number, e.g. {@code 0.0187}
     */
    static byte[] insert(byte[] json, String usd, String... path) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (String member : path) {
                if (!enter(p, member)) {
                    return null;
                }
            }
            boolean empty = true;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                if ("cost".equals(p.currentName())) {
                    return null; // a cost of the provider's own: never two members of one name
                }
                empty = false;
                p.nextToken();
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT) {
                return null;
            }
            int at = (int) p.currentTokenLocation().getByteOffset();
            byte[] member = ((empty ? "" : ",") + "\"cost\":" + usd).getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[json.length + member.length];
            System.arraycopy(json, 0, out, 0, at);
            System.arraycopy(member, 0, out, at, member.length);
            System.arraycopy(json, at, out, at + member.length, json.length - at);
            return out;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** Moves into the object value of {@code member} of the object just opened; false when it has none. */
    private static boolean enter(JsonParser p, String member) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (member.equals(name) && value == JsonToken.START_OBJECT) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }
}
