package dev.tally.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The admin token when neither {@code admin.token} nor {@code TALLY_ADMIN_TOKEN} sets one: made
 * on first start from 32 random bytes, kept in {@code <data dir>/admin-token} with mode 0600,
 * and reused on later starts. Not thread-safe; called once at start.
 */
public final class AdminTokenFile {

    /** The file name inside the data directory. */
    public static final String FILE_NAME = "admin-token";

    /**
     * The token to use, and whether it was just generated (then the caller prints it once).
     *
     * @param token the token
     * @param generated true only on the start that created it
     */
    public record Resolved(Secret token, boolean generated) {
    }

    private AdminTokenFile() {
    }

    /** Uses {@code configured} when present, else reads or creates the file in {@code dataDir}. */
    public static Resolved resolve(Optional<Secret> configured, Path dataDir) {
        if (configured.isPresent()) {
            return new Resolved(configured.get(), false);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            dev.tally.audit.files.PrivateFiles.createDirectories(dataDir); // 0700: the data directory is private
            if (Files.exists(file)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (token.length() < 16) {
                    throw new IllegalStateException(file + ": a " + token.length()
                            + "-character token (expected: at least 16 characters; delete the file to make a new one)");
                }
                return new Resolved(new Secret(token), false);
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = "tadm-" + HexFormat.of().formatHex(random);
            writeOwnerOnly(file, token);
            return new Resolved(new Secret(token), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token in " + dataDir, e);
        }
    }

    private static void writeOwnerOnly(Path file, String token) throws IOException {
        try {
            // Created with 0600 from the start, so there is no moment when others can read it.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException raced) {
            throw new IOException(file + " appeared while it was being created; start again", raced);
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
