package dev.tally.gateway.config;

import dev.tally.audit.chain.SigningKeys;
import dev.tally.gateway.config.Integrity.FileTarget;
import dev.tally.gateway.config.Integrity.HeadTarget;
import dev.tally.gateway.config.Integrity.UrlTarget;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the integrity keys of the {@code audit} section for {@link ConfigLoader}: {@code sign_interval},
 * {@code signing_key_file}, {@code trusted_keys}, {@code publish_heads} and {@code witness_state}, with
 * the loader's error style (key, bad value, expectation). Paths are taken as written (relative ones
 * against the working directory, like {@code store.url}). Trusted key files are read here, once.
 * Stateless.
 */
final class IntegritySection {

    /** The keys this section reads inside {@code audit}. */
    static final List<String> KEYS = List.of("sign_interval", "signing_key_file", "trusted_keys", "publish_heads",
            "witness_state");

    private static final String FILE_PREFIX = "file:";

    private IntegritySection() {
    }

    static Integrity integrity(ConfigNode audit) {
        return new Integrity(
                audit.duration("sign_interval", Integrity.DEFAULT_SIGN_INTERVAL, Integrity.MIN_SIGN_INTERVAL,
                        Integrity.MAX_SIGN_INTERVAL),
                audit.optionalString("signing_key_file").map(text -> file(audit.key("signing_key_file"), text)),
                trustedKeys(audit),
                audit.optionalString("publish_heads").map(text -> target(audit.key("publish_heads"), text)),
                audit.optionalString("witness_state").map(text -> file(audit.key("witness_state"), text)));
    }

    /** {@code trusted_keys}: base64 keys or {@code file:<path>}, by key id, in file order. */
    private static Map<String, String> trustedKeys(ConfigNode audit) {
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> items = audit.strings("trusted_keys");
        for (int i = 0; i < items.size(); i++) {
            String key = audit.key("trusted_keys") + "[" + i + "]";
            String item = items.get(i).strip();
            String base64 = item;
            if (item.startsWith(FILE_PREFIX)) {
                Path path = file(key, item.substring(FILE_PREFIX.length()));
                try {
                    base64 = Files.readString(path).strip();
                } catch (IOException e) {
                    throw new IllegalArgumentException(key + ": '" + item + "' cannot be read (" + e.getClass().getSimpleName()
                            + "; expected: a readable file holding one exported public key, as signing.pub)", e);
                }
            }
            PublicKey parsed;
            try {
                parsed = SigningKeys.parsePublicKey(base64);
            } catch (IllegalArgumentException e) {
                String shown = item.length() > 40 ? item.substring(0, 40) + "…" : item;
                throw new IllegalArgumentException(key + ": '" + shown + "' (expected: a base64 X.509 Ed25519 public key"
                        + " as in signing.pub, or file:<path> of such a file)", e);
            }
            keys.put(SigningKeys.keyIdOf(parsed), Base64.getEncoder().encodeToString(parsed.getEncoded()));
        }
        return keys;
    }

    /**
     * {@code publish_heads}: an {@code http(s)://} URL (no user info, no fragment) or a file path that
     * is not a directory.
     */
    private static HeadTarget target(String key, String text) {
        String value = text.strip();
        if (value.startsWith("http://") || value.startsWith("https://")) {
            try {
                URI uri = new URI(value);
                if (uri.getHost() != null && uri.getUserInfo() == null && uri.getFragment() == null) {
                    return new UrlTarget(uri);
                }
            } catch (URISyntaxException e) {
                // reported below with the expectation
            }
            // Shown without user info, which could carry a credential.
            throw new IllegalArgumentException(key + ": '" + value.replaceAll("//[^@/]*@", "//****@")
                    + "' (expected: an http:// or https:// URL with a host, without user info or fragment)");
        }
        if (value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(key + ": '" + value
                    + "' (expected: a file path, or an http:// or https:// URL)");
        }
        return new FileTarget(file(key, value));
    }

    /** A file path that is not empty and not an existing directory. */
    private static Path file(String key, String text) {
        String value = text.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(key + ": '' (expected: a file path)");
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: a file path; " + e.getReason() + ")", e);
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(key + ": '" + value + "' is a directory (expected: a file path)");
        }
        return path;
    }
}
