package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For stream tests about relaying, not about cost: a stream as the client got it, less the one
 * {@code : tally {…}} comment the gateway adds before the final event (see {@link CostOutTest}
 * for the comment itself). Fails when there is not exactly one.
 */
final class TallyComment {

    private static final Pattern COMMENT = Pattern.compile(": tally \\{[^\n]*}\n\n");

    private TallyComment() {
    }

    /** {@code body} without its one comment block. */
    static String strip(String body) {
        Matcher m = COMMENT.matcher(body);
        assertThat(m.results().count()).as("tally comments in %s", body).isEqualTo(1);
        return COMMENT.matcher(body).replaceFirst("");
    }

    /** {@code lines} without the comment line and the blank line that ends it. */
    static List<String> stripLines(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        int at = -1;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).startsWith(": tally {")) {
                assertThat(at).as("a second tally comment at line %d", i).isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).as("the tally comment in %s", lines).isNotNegative();
        assertThat(out.get(at + 1)).isEmpty();
        out.remove(at + 1);
        out.remove(at);
        return out;
    }
}
