import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URLClassLoader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites, in place, every class file of a jar older than Java 6 (class file version below 50)
 * as a Java 8 class file (version 52) with the stack map frames such a version carries, changing
 * nothing else; a jar without such classes is left untouched. Needs JDK 24+ (the class-file API,
 * JEP 484). The launcher runs it on {@code tally.jar} before it makes the AOT caches:
 * {@code java scripts/UpgradeOldClasses.java tally-cli/target/tally.jar}.
 *
 * <p>Why: the JVM cannot keep a class file older than version 50 in an ahead-of-time cache
 * (JEP 483; {@code -Xlog:aot} says "Old class has been linked"), so every command loaded and
 * verified such classes again from the jar, with the old type-inferring verifier. picocli ships
 * as Java 5 class files (about 230 of them); upgraded, they come from the cache like the rest.
 * (The build cannot do this itself: it would need a plugin that is not in the offline
 * repository.)
 */
public final class UpgradeOldClasses {

    private static final int OLDEST_CACHEABLE = 50;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java UpgradeOldClasses.java <jar>");
        }
        Path jar = Path.of(args[0]);
        if (!hasOldClasses(jar)) {
            return;
        }
        Path upgraded = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int count = 0;
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                InputStream file = Files.newInputStream(jar);
                ZipInputStream in = new ZipInputStream(file);
                OutputStream target = Files.newOutputStream(upgraded);
                ZipOutputStream out = new ZipOutputStream(target)) {
            // Stack map frames need the common super class of two types: read it from the jar
            // itself, then from the JDK.
            ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(classes)
                            .orElse(ClassHierarchyResolver.defaultResolver()).cached()));
            ClassTransform toJava8 = (builder, element) -> {
                if (element instanceof ClassFileVersion) {
                    builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
                } else {
                    builder.with(element);
                }
            };
            // Passing every method body through makes the writer build the code anew, frames included.
            ClassTransform upgrade = toJava8.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().endsWith(".class") && version(bytes) < OLDEST_CACHEABLE) {
                    bytes = classFile.transformClass(classFile.parse(bytes), upgrade);
                    count++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(upgraded, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("UpgradeOldClasses: " + count + " class files of " + jar.getFileName() + " upgraded to Java 8");
    }

    private static boolean hasOldClasses(Path jar) throws IOException {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        if (version(in.readNBytes(8)) < OLDEST_CACHEABLE) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static int version(byte[] bytes) {
        return bytes.length < 8 ? Integer.MAX_VALUE : ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
    }
}
