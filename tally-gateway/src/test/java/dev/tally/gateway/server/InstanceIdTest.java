package dev.tally.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default chain id: derived from host name and data directory, made once and kept. */
class InstanceIdTest {

    @TempDir
    Path dir;

    @Test
    void aNewIdNamesTheHostAndTheDataDirectory() {
        String one = GatewayRuntime.derivedInstanceId("web-1.example", dir.resolve("a"));
        String two = GatewayRuntime.derivedInstanceId("web-1.example", dir.resolve("b"));
        String other = GatewayRuntime.derivedInstanceId("web 2/x", dir.resolve("a"));

        assertThat(one).matches("gw-web-1\\.example-[0-9a-f]{8}");
        assertThat(two).isNotEqualTo(one);
        assertThat(other).matches("gw-web-2-x-[0-9a-f]{8}").endsWith(one.substring(one.length() - 8));
        assertThat(GatewayRuntime.derivedInstanceId("h".repeat(100), dir)).hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void theIdIsMadeOnFirstStartAndKeptForTheNext() throws Exception {
        Path own = dir.resolve("gateway");
        String first = GatewayRuntime.instanceId(own, dir);
        assertThat(Files.readString(own.resolve("instance-id")).strip()).isEqualTo(first);
        assertThat(GatewayRuntime.instanceId(own, dir.resolve("elsewhere"))).isEqualTo(first);
    }
}
