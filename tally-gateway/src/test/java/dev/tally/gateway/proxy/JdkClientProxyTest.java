package dev.tally.gateway.proxy;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * The proxy's JSON, stream, retry and fallback tests run again with every provider on
 * {@code http_client: jdk}, so both upstream clients keep the same behaviour: timeouts, client
 * cancellation, break-offs, retries and records.
 */
class JdkClientProxyTest {

    @Nested
    class Json extends JsonProxyTest {
        @Override
        GatewayFixture fixture(Path dir) throws Exception {
            return GatewayFixture.startWithHttpClient(dir, "jdk");
        }
    }

    @Nested
    class Streams extends StreamProxyTest {
        @Override
        GatewayFixture fixture(Path dir) throws Exception {
            return GatewayFixture.startWithHttpClient(dir, "jdk");
        }
    }

    @Nested
    class RetriesAndFallbacks extends RetryAndFallbackTest {
        @Override
        GatewayFixture fixture(Path dir) throws Exception {
            return GatewayFixture.startWithHttpClient(dir, "jdk");
        }
    }
}
