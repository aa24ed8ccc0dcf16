package dev.tally.audit.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates the audit log's files so that only the process owner can read them: directories 0700,
 * files 0600 (the database and its WAL, the spill journal and its lock, the signing and journal
 * keys). The modes are given at creation, so there is no moment in which a file is readable by
 * others, and the umask cannot widen them. Files that already exist with wider modes (written by
 * an older version) are narrowed to 0600 when opened. On a file system without POSIX permissions
 * the modes are left to the platform.
 *
 * <p>Thread-safe: stateless.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and any missing parents with mode 0700; existing directories are left as they are. */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (posix(parent)) {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
                Files.setPosixFilePermissions(absolute, DIRECTORY); // the umask applies to the attribute
            } else {
                Files.createDirectory(absolute);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
    }

    /**
     * Makes sure {@code file} exists with mode 0600: creates it empty with that mode, or narrows
     * the mode of an existing file. Its directory must exist.
     */
    public static void ensureFile(Path file) throws IOException {
        boolean posix = posix(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, attributes(posix));
            } catch (FileAlreadyExistsException raced) {
                // created meanwhile: narrowed below
            }
        }
        if (posix) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /** Narrows an existing file to 0600 if the file system knows POSIX modes; no-op for a missing file. */
    public static void restrict(Path file) throws IOException {
        if (Files.exists(file) && posix(file.toAbsolutePath().getParent())) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    private static FileAttribute<?>[] attributes(boolean posix) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path dir) {
        Path probe = dir == null ? Path.of("").toAbsolutePath() : dir;
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent();
        }
        try {
            return probe != null && Files.getFileStore(probe).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }
}
