package dev.tally.audit.recorder.internal;

import dev.tally.audit.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that authenticates spill journal records (HMAC-SHA-256). It lives in {@code journal.key}
 * beside the signing key, never in the journal: one line of base64 of 32 random bytes, created
 * with mode 0600 through a temporary file and an atomic rename. Whoever can write the journal but
 * not read this key cannot forge or edit a record that replay accepts. The key is never logged.
 *
 * <p>Thread-safe: immutable; each {@link #mac()} is a new instance.
 */
public final class JournalKey {

    /** The key file's name, in the directory of the signing key. */
    public static final String FILE_NAME = "journal.key";
    static final int KEY_BYTES = 32;

    private final SecretKeySpec key;

    private JournalKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "HmacSHA256");
    }

    /** A key from raw bytes (tests). */
    public static JournalKey of(byte[] raw) {
        if (raw.length != KEY_BYTES) {
            throw new IllegalArgumentException("journal key: " + raw.length + " bytes (expected: " + KEY_BYTES + ")");
        }
        return new JournalKey(raw.clone());
    }

    /** Loads {@code dir/journal.key}, creating it (0600, 32 random bytes) on first use. */
    public static JournalKey loadOrCreate(Path dir, SecureRandom random) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            PrivateFiles.restrict(file);
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new IOException("journal key " + file + ": not base64 (expected: one line of base64 of "
                        + KEY_BYTES + " bytes)");
            }
            if (raw.length != KEY_BYTES) {
                throw new IOException("journal key " + file + ": " + raw.length + " bytes (expected: " + KEY_BYTES
                        + ")");
            }
            return new JournalKey(raw);
        }
        PrivateFiles.createDirectories(dir);
        byte[] raw = new byte[KEY_BYTES];
        random.nextBytes(raw);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        PrivateFiles.ensureFile(tmp);
        Files.writeString(tmp, Base64.getEncoder().encodeToString(raw) + "\n", StandardCharsets.US_ASCII);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return new JournalKey(raw);
    }

    /** A fresh MAC keyed with this key. */
    Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "JournalKey[redacted]";
    }
}
