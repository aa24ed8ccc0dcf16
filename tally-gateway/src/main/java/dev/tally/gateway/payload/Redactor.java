package dev.tally.gateway.payload;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces sensitive text in a kept payload under {@code audit.payload: redacted}. Built-in rules,
 * applied in this order so a more specific rule wins: bearer tokens ({@code [REDACTED:bearer]}),
 * API-key-shaped strings such as {@code sk-…}, {@code sk-ant-…}, {@code tk-…}, {@code tadm-…} and
 * AWS access key ids ({@code [REDACTED:api_key]}), e-mail addresses ({@code [REDACTED:email]}),
 * card numbers of 13 to 19 digits that pass the Luhn check ({@code [REDACTED:card]}) and phone
 * numbers of 7 to 15 digits written with a leading {@code +} or separators
 * ({@code [REDACTED:phone]}); then every configured {@code audit.redaction_patterns} entry
 * ({@code [REDACTED:pattern]}). Thread-safe (immutable).
 */
public final class Redactor {

    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern API_KEY = Pattern.compile(
            "(?<![A-Za-z0-9_-])(?:(?:sk|tk|pk|rk|tadm)-[A-Za-z0-9_-]{8,}|AKIA[0-9A-Z]{16})");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern CARD = Pattern.compile("(?<![\\d])\\d(?:[ -]?\\d){12,18}(?![\\d])");
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w+])\\+?\\d{1,3}[ .-]?\\(?\\d{2,4}\\)?[ .-]?\\d{3,4}(?:[ .-]?\\d{3,4})?(?![\\w])");

    private final List<Pattern> configured;

    /**
     * @param patterns extra regular expressions ({@code audit.redaction_patterns}), already
     *     validated by the config loader
     */
    public Redactor(List<String> patterns) {
        List<Pattern> compiled = new ArrayList<>();
        for (String p : patterns) {
            compiled.add(Pattern.compile(p));
        }
        this.configured = List.copyOf(compiled);
    }

    /** {@code text} with every match of every rule replaced. */
    public String redact(String text) {
        String out = BEARER.matcher(text).replaceAll("[REDACTED:bearer]");
        out = API_KEY.matcher(out).replaceAll("[REDACTED:api_key]");
        out = EMAIL.matcher(out).replaceAll("[REDACTED:email]");
        out = replaceWhere(CARD, out, Redactor::isCard, "[REDACTED:card]");
        out = replaceWhere(PHONE, out, Redactor::isPhone, "[REDACTED:phone]");
        for (Pattern p : configured) {
            out = p.matcher(out).replaceAll("[REDACTED:pattern]");
        }
        return out;
    }

    private interface Check {
        boolean test(String match);
    }

    private static String replaceWhere(Pattern pattern, String text, Check check, String replacement) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, check.test(m.group()) ? Matcher.quoteReplacement(replacement)
                    : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** 13 to 19 digits passing the Luhn check: a card number, not any long number. */
    static boolean isCard(String match) {
        String digits = match.replaceAll("[ -]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /**
     * 7 to 15 digits with a leading {@code +} or a separator: a bare run of digits (a timestamp,
     * a token count) is not taken for a phone number.
     */
    static boolean isPhone(String match) {
        long digits = match.chars().filter(Character::isDigit).count();
        boolean written = match.startsWith("+") || match.chars().anyMatch(c -> c == ' ' || c == '-' || c == '.' || c == '(');
        return digits >= 7 && digits <= 15 && written;
    }
}
