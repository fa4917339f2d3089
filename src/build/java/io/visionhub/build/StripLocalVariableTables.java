package io.visionhub.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.Attribute;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.RecordComponentVisitor;

/**
 * Package step of the production jar (pom.xml, strip-foreign-natives): rewrites every nested library jar in a folder
 * without the LocalVariableTable and LocalVariableTypeTable of its classes, the debug attributes that name local
 * variables for a debugger. Nothing at run time reads them (Spring 6.1 and later take parameter names from the
 * MethodParameters attribute, which stays), and they are 9.9 MB of the jar. Line numbers (LineNumberTable,
 * SourceFile) stay, so stack traces still say where. A class is written back unchanged when ASM cannot read it or it
 * carries an attribute ASM does not know (its constant pool indexes would not survive the rewrite), and a signed
 * jar (Bouncy Castle, Paho) is left whole, as its signature covers each class. Entries keep their order, names,
 * times and methods; deflated ones are deflated at level 9. ProductionJarIT checks the result.
 *
 * <p>Usage: {@code StripLocalVariableTables <folder of jars>}; each jar is replaced in place.
 */
public final class StripLocalVariableTables {

    private StripLocalVariableTables() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
            throw new IllegalArgumentException(
                    "usage: StripLocalVariableTables <folder of jars>, got " + List.of(args));
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
            found.forEach(jars::add);
        }
        jars.sort(null);
        long before = 0;
        long after = 0;
        int stripped = 0;
        List<String> kept = new ArrayList<>();
        List<String> signed = new ArrayList<>();
        for (Path jar : jars) {
            before += Files.size(jar);
            Integer r = rewrite(jar, kept);
            if (r == null) {
                signed.add(jar.getFileName().toString());
            } else {
                stripped += r;
            }
            after += Files.size(jar);
        }
        System.out.printf(
                "StripLocalVariableTables: %d jars, %d classes without local variable tables, %,d -> %,d bytes;"
                        + " left as they were: %s; signed, left whole: %s%n",
                jars.size(), stripped, before, after, kept, signed);
    }

    /** The jar rewritten in place and how many classes lost their tables, or null (untouched) when it is signed. */
    private static Integer rewrite(Path jar, List<String> kept) throws IOException {
        Path out = jar.resolveSibling(jar.getFileName() + ".tmp");
        int stripped = 0;
        try (ZipFile in = new ZipFile(jar.toFile())) {
            if (in.stream().anyMatch(e -> e.getName().matches("(?i)META-INF/[^/]+\\.(SF|RSA|DSA|EC)"))) {
                return null;
            }
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
                zip.setLevel(Deflater.BEST_COMPRESSION);
                for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                    ZipEntry entry = e.nextElement();
                    byte[] data;
                    try (InputStream is = in.getInputStream(entry)) {
                        data = is.readAllBytes();
                    }
                    if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
                        byte[] slim = withoutLocalVariableTables(data);
                        if (slim == null) {
                            kept.add(jar.getFileName() + "!" + entry.getName());
                        } else {
                            data = slim;
                            stripped++;
                        }
                    }
                    ZipEntry copy = new ZipEntry(entry); // name, time, extra, comment, method
                    copy.setCompressedSize(-1);
                    copy.setSize(data.length);
                    if (entry.getMethod() == ZipEntry.STORED) {
                        CRC32 crc = new CRC32();
                        crc.update(data);
                        copy.setCrc(crc.getValue());
                    }
                    zip.putNextEntry(copy);
                    zip.write(data);
                    zip.closeEntry();
                }
            }
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        return stripped;
    }

    /** The class without local variable tables, or null where it must stay as it is. */
    static byte[] withoutLocalVariableTables(byte[] classFile) {
        ClassReader reader;
        try {
            reader = new ClassReader(classFile);
        } catch (RuntimeException newerThanAsm) {
            return null;
        }
        UnknownAttributes unknown = new UnknownAttributes();
        ClassWriter writer = new ClassWriter(0); // a new constant pool: the tables' names and types go with them
        try {
            reader.accept(new Strip(writer, unknown), 0);
        } catch (RuntimeException unreadable) {
            return null;
        }
        return unknown.seen ? null : writer.toByteArray();
    }

    private static final class UnknownAttributes {
        boolean seen;
    }

    private static final class Strip extends ClassVisitor {
        private final UnknownAttributes unknown;

        Strip(ClassVisitor next, UnknownAttributes unknown) {
            super(Opcodes.ASM9, next);
            this.unknown = unknown;
        }

        @Override
        public void visitAttribute(Attribute attribute) {
            unknown.seen = true;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            return new FieldVisitor(Opcodes.ASM9, super.visitField(access, name, descriptor, signature, value)) {
                @Override
                public void visitAttribute(Attribute attribute) {
                    unknown.seen = true;
                }
            };
        }

        @Override
        public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
            return new RecordComponentVisitor(Opcodes.ASM9, super.visitRecordComponent(name, descriptor, signature)) {
                @Override
                public void visitAttribute(Attribute attribute) {
                    unknown.seen = true;
                }
            };
        }

        @Override
        public MethodVisitor visitMethod(
                int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                @Override
                public void visitLocalVariable(String n, String d, String s, Label start, Label end, int index) {
                    // LocalVariableTable and LocalVariableTypeTable: dropped
                }

                @Override
                public void visitAttribute(Attribute attribute) {
                    unknown.seen = true;
                }
            };
        }
    }
}
