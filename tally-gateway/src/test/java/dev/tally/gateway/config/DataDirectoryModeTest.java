package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's data directory is created private (0700), with the admin token file 0600 in it. */
class DataDirectoryModeTest {

    @TempDir
    Path tmp;

    @Test
    void theDataDirectoryIsCreated0700() throws Exception {
        Path data = tmp.resolve("data");

        AdminTokenFile.resolve(Optional.empty(), data);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(AdminTokenFile.FILE_NAME))))
                .isEqualTo("rw-------");
    }
}
