package dev.tally.cli.options;

import dev.tally.audit.chain.SigningKeys;
import dev.tally.cli.CommandFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads exported public keys ({@code --public-key <file>}, as in {@code signing.pub}: one line of
 * base64 X.509 Ed25519) into a map by key id, the form the audit core's checks take. Stateless.
 */
public final class PublicKeys {

    private PublicKeys() {
    }

    /**
     * The keys in {@code files} by key id; empty when none was given.
     *
     * @throws CommandFailure naming the file when one cannot be read or holds no such key
     */
    public static Map<String, PublicKey> read(List<Path> files) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new CommandFailure("public-key: " + file + " cannot be read (" + e + ")", e);
            }
            try {
                PublicKey key = SigningKeys.parsePublicKey(text);
                keys.put(SigningKeys.keyIdOf(key), key);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure("public-key: " + file + " is not an exported Tally key (expected: "
                        + "one line of base64 X.509 Ed25519, as in signing.pub)", e);
            }
        }
        return keys;
    }

    /** Keys listed by a store or a gateway (key id to base64); an unreadable one is left out and verifies nothing. */
    public static Map<String, PublicKey> listed(Map<String, String> base64ById) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        base64ById.forEach((id, base64) -> {
            try {
                keys.put(id, SigningKeys.parsePublicKey(base64));
            } catch (IllegalArgumentException unreadable) {
                // a head signed under it is then reported as signed by an unknown key
            }
        });
        return keys;
    }
}
