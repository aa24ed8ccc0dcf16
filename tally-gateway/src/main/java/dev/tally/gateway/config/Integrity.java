package dev.tally.gateway.config;

import dev.tally.audit.chain.SigningKeys;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The integrity keys of {@code audit}: how soon entries are covered by a signed head, which key
 * signs, which keys a check trusts, where each head is published, and which witness's state the
 * dashboard shows. Read by {@link ConfigLoader} (via {@code IntegritySection}); documented in
 * {@code docs/configuration.md}. Immutable, thread-safe.
 *
 * @param signInterval a head is signed at most this long after the first unsigned entry
 *     ({@code audit.sign_interval}, default 1s)
 * @param signingKeyFile the Ed25519 private key ({@code audit.signing_key_file}); empty =
 *     {@code <data>/gateway/signing.key}. Its public key is kept beside it
 * @param trustedKeys pinned public keys ({@code audit.trusted_keys}) by key id, each as one line of
 *     base64 X.509, files already read; empty = none pinned
 * @param publishHeads where every signed head is also sent ({@code audit.publish_heads}); empty = nowhere
 * @param witnessState the state file of a {@code tally witness} watching this gateway
 *     ({@code audit.witness_state}), shown by the dashboard; empty = none
 */
public record Integrity(
        Duration signInterval,
        Optional<Path> signingKeyFile,
        Map<String, String> trustedKeys,
        Optional<HeadTarget> publishHeads,
        Optional<Path> witnessState) {

    public static final Duration DEFAULT_SIGN_INTERVAL = Duration.ofSeconds(1);
    /** The shortest sign interval: below it the writer would spend its time signing. */
    public static final Duration MIN_SIGN_INTERVAL = Duration.ofMillis(10);
    /** The longest: a longer window of unsigned entries defeats the point of the heads. */
    public static final Duration MAX_SIGN_INTERVAL = Duration.ofHours(1);
    public static final Integrity DEFAULTS = new Integrity(DEFAULT_SIGN_INTERVAL, Optional.empty(), Map.of(),
            Optional.empty(), Optional.empty());

    public Integrity {
        Objects.requireNonNull(signInterval, "sign_interval");
        Objects.requireNonNull(signingKeyFile, "signing_key_file");
        trustedKeys = Collections.unmodifiableMap(new LinkedHashMap<>(trustedKeys));
        Objects.requireNonNull(publishHeads, "publish_heads");
        Objects.requireNonNull(witnessState, "witness_state");
    }

    /** The pinned keys, parsed, by key id (see {@link SigningKeys#keyIdOf}). */
    public Map<String, PublicKey> pinnedKeys() {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        trustedKeys.forEach((id, base64) -> keys.put(id, SigningKeys.parsePublicKey(base64)));
        return keys;
    }

    /** Where {@code audit.publish_heads} sends each head. */
    public sealed interface HeadTarget {
    }

    /**
     * Append one JSON head per line to a file, fsynced after each line.
     *
     * @param path the file (created when missing, mode 0600)
     */
    public record FileTarget(Path path) implements HeadTarget {
        public FileTarget {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * POST each head's JSON to a URL.
     *
     * @param uri an {@code http://} or {@code https://} URL without user info or fragment
     */
    public record UrlTarget(URI uri) implements HeadTarget {
        public UrlTarget {
            Objects.requireNonNull(uri, "uri");
        }
    }
}
