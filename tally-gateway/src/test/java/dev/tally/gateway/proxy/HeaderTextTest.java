package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pins the Helidon internals {@link HeaderText} reads the received bytes of a header value from:
 * should an upgrade move them, this fails (the gateway would then refuse every non-ASCII header
 * value as undecodable instead of reading it as UTF-8). The decoding itself is tested over a real
 * socket in {@code InputLimitsTest}.
 */
class HeaderTextTest {

    @Test
    void the_received_bytes_of_header_values_are_readable_in_this_helidon_version() {
        assertThat(HeaderText.bytesReadable()).isTrue();
    }

    @Test
    void values_are_cut_to_40_characters_for_display() {
        assertThat(HeaderText.shown("a".repeat(40))).isEqualTo("a".repeat(40));
        assertThat(HeaderText.shown("a".repeat(41))).isEqualTo("a".repeat(37) + "...");
    }
}
