package dev.tally.cli.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a file line by line as bytes and decodes each line strictly as UTF-8, so one line with
 * broken bytes is one bad line (reported with its number), not the end of the import or a line
 * silently altered by replacement characters. Lines end at {@code \n}; a {@code \r} before it is
 * dropped. Memory holds one line. Not thread-safe.
 */
final class LineReader {

    /** One line: its text, or null when its bytes are not UTF-8. */
    record Line(long number, String text) {
    }

    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private long number;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line, or null at the end of the input. Blocks until a line is read. */
    Line next() throws IOException {
        buffer.reset();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                break;
            }
            buffer.write(b);
        }
        if (!any) {
            return null;
        }
        number++;
        byte[] bytes = buffer.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
            return new Line(number, text);
        } catch (CharacterCodingException e) {
            return new Line(number, null);
        }
    }
}
