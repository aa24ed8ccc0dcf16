package dev.tally.gateway.proxy;

import io.helidon.http.Header;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Header values as text. HTTP/1.1 header values are bytes, and clients and SDKs send non-ASCII
 * text in them as UTF-8; so the gateway reads {@code x-tally-*} values as UTF-8 and refuses bytes
 * that are not (without this, {@code ålice} and {@code ølice} were the same user).
 *
 * <p>Why reflection: Helidon 4.5 decodes a received header value as US-ASCII, turning every byte
 * above 0x7F into U+FFFD, so the string it hands over has lost the bytes. It keeps them, though,
 * in the header's {@code LazyString} (the slice of the read buffer the value came from). This
 * class reads that slice once per header value. Should a Helidon version move those fields, the
 * lookup fails once at class load and every non-ASCII value is refused as undecodable instead
 * (never merged); {@code HeaderTextTest} pins which of the two is in effect. Stateless, thread-safe.
 */
final class HeaderText {

    private static final Field LAZY_VALUE;
    private static final Field BUFFER;
    private static final Field OFFSET;
    private static final Field LENGTH;

    static {
        Field lazy = null;
        Field buffer = null;
        Field offset = null;
        Field length = null;
        try {
            Class<?> lazyHeader = Class.forName("io.helidon.http.HeaderValueLazy");
            Class<?> lazyString = Class.forName("io.helidon.common.buffers.LazyString");
            lazy = accessible(lazyHeader.getDeclaredField("value"));
            buffer = accessible(lazyString.getDeclaredField("buffer"));
            offset = accessible(lazyString.getDeclaredField("offset"));
            length = accessible(lazyString.getDeclaredField("length"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            lazy = null;
        }
        LAZY_VALUE = lazy;
        BUFFER = buffer;
        OFFSET = offset;
        LENGTH = length;
    }

    private HeaderText() {
    }

    /** A header value that is not UTF-8 text; the message names the header and the expectation. */
    static final class Undecodable extends Exception {
        Undecodable(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether the received bytes of header values can be read (see the class description). */
    static boolean bytesReadable() {
        return LAZY_VALUE != null;
    }

    /**
     * The (first) value of {@code header} decoded as UTF-8, without leading and trailing blanks.
     *
     * @throws Undecodable when the bytes are not UTF-8, hold a control character, or cannot be recovered
     */
    static String utf8(String name, Header header) throws Undecodable {
        String text = header.get();
        boolean ascii = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw new Undecodable(name + ": a control character at position " + i + " (expected: UTF-8 text)");
            }
            ascii &= c < 0x80;
        }
        if (ascii) {
            return text;
        }
        byte[] raw = rawBytes(header);
        if (raw == null) {
            throw new Undecodable(name + ": non-ASCII bytes that cannot be read back (expected: UTF-8 text)");
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString()
                    .strip();
            for (int i = 0; i < decoded.length(); i++) {
                if (Character.isISOControl(decoded.charAt(i)) && decoded.charAt(i) != '\t') {
                    throw new Undecodable(name + ": a control character at position " + i + " (expected: UTF-8 text)");
                }
            }
            return decoded;
        } catch (CharacterCodingException e) {
            throw new Undecodable(name + ": not valid UTF-8 (expected: UTF-8 text, as HTTP clients send it)");
        }
    }

    /** As {@link #utf8}, but anything undecodable becomes U+FFFD; for values only kept for information. */
    static String lenient(Header header) {
        String text = header.get();
        if (text.chars().allMatch(c -> c < 0x80)) {
            return text;
        }
        byte[] raw = rawBytes(header);
        return raw == null ? text : new String(raw, StandardCharsets.UTF_8).strip();
    }

    /** {@code value} cut for display in an error message: at most 40 characters. */
    static String shown(String value) {
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }

    private static byte[] rawBytes(Header header) {
        if (LAZY_VALUE == null || !LAZY_VALUE.getDeclaringClass().isInstance(header)) {
            return null;
        }
        try {
            Object lazy = LAZY_VALUE.get(header);
            byte[] buffer = (byte[]) BUFFER.get(lazy);
            int offset = OFFSET.getInt(lazy);
            return Arrays.copyOfRange(buffer, offset, offset + LENGTH.getInt(lazy));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }
}
