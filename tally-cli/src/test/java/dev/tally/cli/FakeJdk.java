package dev.tally.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A JDK 25 for running {@code ./tally} in tests without a JVM: a directory with a {@code release}
 * file, a {@code bin/javac}, and a {@code bin/java} that prints its arguments one per line, so a
 * test reads which options the launcher gave it.
 */
final class FakeJdk {

    private FakeJdk() {
    }

    /** Makes the fake JDK in {@code dir} and returns its home. */
    static Path printingArguments(Path dir) throws IOException {
        Path jdk = Files.createDirectories(dir);
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path bin = Files.createDirectories(jdk.resolve("bin"));
        executable(bin.resolve("java"), "#!/bin/bash\nprintf '%s\\n' \"$@\"\n");
        executable(bin.resolve("javac"), "#!/bin/bash\nexit 0\n");
        return jdk;
    }

    /** Writes {@code text} to {@code file}, executable. */
    static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
