package dev.tally.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalogue in docs/errors.md lists exactly the codes of {@link ErrorCode}, each with its status. */
class ErrorCatalogueTest {

    private static final Path DOC = Path.of("..", "docs", "errors.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\|", Pattern.MULTILINE);

    @Test
    void docs_errors_md_lists_every_code_with_its_status_and_nothing_else() throws Exception {
        Set<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(Files.readString(DOC));
        while (m.find()) {
            assertThat(documented.add(m.group(1) + " " + m.group(2))).as("listed twice: %s %s", m.group(1), m.group(2)).isTrue();
        }
        Set<String> catalogued = Arrays.stream(ErrorCode.values()).map(c -> c.code() + " " + c.httpStatus())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented).isEqualTo(catalogued);
    }

    @Test
    void a_code_and_status_name_exactly_one_constant() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(ErrorCode.of(c.code(), c.httpStatus())).isSameAs(c);
        }
        assertThat(ErrorCode.of("key_revoked", 401)).isEqualTo(ErrorCode.KEY_REVOKED);
        assertThat(ErrorCode.of("key_revoked", 409)).isEqualTo(ErrorCode.KEY_ALREADY_REVOKED);
        assertThatThrownBy(() -> ErrorCode.of("no_such_code", 400)).hasMessageContaining("no_such_code");
    }

    @Test
    void each_protocol_gets_its_own_error_type() {
        assertThat(ErrorCode.AMBIGUOUS_CREDENTIALS.openAiType()).isEqualTo("authentication_error");
        assertThat(ErrorCode.AUDIT_UNAVAILABLE.anthropicType()).isEqualTo("overloaded_error");
        assertThat(ErrorCode.AUDIT_UNAVAILABLE.openAiType()).isEqualTo("server_error");
        assertThat(ErrorCode.INVALID_JSON.anthropicType()).isEqualTo("invalid_request_error");
        assertThat(ErrorCode.MODEL_NOT_FOUND.anthropicType()).isEqualTo("not_found_error");
    }
}
