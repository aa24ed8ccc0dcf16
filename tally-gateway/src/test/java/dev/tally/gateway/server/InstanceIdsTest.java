package dev.tally.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chain ids of the writers that configuration does not name: derived once, kept, legacy ids kept. */
class InstanceIdsTest {

    @TempDir
    Path dir;

    @Test
    void aNewIdCarriesThePrefixTheHostAndTheDataDirectory() {
        assertThat(InstanceIds.derived("cli", "web-1", dir)).matches("cli-web-1-[0-9a-f]{8}")
                .endsWith(InstanceIds.derived("gw", "web-1", dir).substring(10));
        assertThat(InstanceIds.idIn(dir.resolve("cli"), dir, "cli", "cli")).startsWith("cli-");
    }

    @Test
    void aDirectoryThatAlreadySignedForTheLegacyChainKeepsIt() throws Exception {
        Path own = Files.createDirectories(dir.resolve("cli"));
        Files.writeString(own.resolve(dev.tally.audit.chain.SigningKeys.PRIVATE_FILE), "key");

        assertThat(InstanceIds.idIn(own, dir, "cli", "cli")).isEqualTo("cli");
        assertThat(Files.readString(own.resolve(InstanceIds.FILE)).strip()).isEqualTo("cli");
    }

    @Test
    void aKeptIdIsReadBackAndABrokenOneIsRefused() throws Exception {
        Path own = dir.resolve("cli");
        String id = InstanceIds.idIn(own, dir, "cli", "cli");
        assertThat(InstanceIds.idIn(own, dir.resolve("moved"), "cli", "cli")).isEqualTo(id);

        Files.writeString(own.resolve(InstanceIds.FILE), "no spaces allowed\n");
        assertThatThrownBy(() -> InstanceIds.idIn(own, dir, "cli", "cli")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no spaces allowed").hasMessageContaining("expected: 1-64 characters");
    }
}
