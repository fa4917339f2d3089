package io.visionhub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The native libraries inside a Spring Boot fat jar, found by their magic bytes rather than their names (ELF,
 * PE, Mach-O, ar archives), in every nested jar under BOOT-INF/lib/, with what each ELF header says it is for.
 */
final class NativeLibraries {

    /** Folder names by which libraries mark a platform other than glibc Linux. */
    private static final Pattern OTHER_PLATFORM = Pattern.compile(
            "(?i)(^|[/\\-_.])(win(32|64|dows)?|darwin|osx|macos|mac|freebsd|openbsd|netbsd|dragonflybsd|sunos|solaris"
                    + "|aix|android|musl)([/\\-_.]|$)");

    /** One native library: where it is (nested jar!entry), its format and, for ELF, class, OS ABI and machine. */
    record Found(String where, String format, int elfClass, int osAbi, int machine) {

        boolean isLinuxFor(String wanted) {
            return format.equals("ELF")
                    && elfClass == 2
                    && (osAbi == 0 || osAbi == 3)
                    && machineName(machine).equals(wanted)
                    && !OTHER_PLATFORM
                            .matcher(where.substring(where.indexOf('!') + 1))
                            .find();
        }

        @Override
        public String toString() {
            return where + " (" + format
                    + (format.equals("ELF")
                            ? ", " + (elfClass == 2 ? "64" : "32") + "-bit, OS ABI " + osAbi + ", "
                                    + machineName(machine)
                            : "")
                    + ")";
        }
    }

    private NativeLibraries() {}

    /** ELF e_machine values of the platforms Java libraries ship natives for. */
    static String machineName(int machine) {
        return switch (machine) {
            case 0x3E -> "x86-64";
            case 0xB7 -> "aarch64";
            case 0x03 -> "x86";
            case 0x28 -> "arm";
            case 0x15 -> "ppc64";
            case 0x14 -> "ppc";
            case 0x16 -> "s390x";
            case 0xF3 -> "riscv";
            case 0x102 -> "loongarch";
            case 0x08 -> "mips";
            case 0x02, 0x2B -> "sparc";
            default -> "machine 0x" + Integer.toHexString(machine);
        };
    }

    static List<Found> scan(Path fatJar) throws IOException {
        List<Found> found = new ArrayList<>();
        try (JarFile outer = new JarFile(fatJar.toFile())) {
            for (Enumeration<JarEntry> e = outer.entries(); e.hasMoreElements(); ) {
                JarEntry lib = e.nextElement();
                if (!lib.getName().startsWith("BOOT-INF/lib/") || !lib.getName().endsWith(".jar")) {
                    continue;
                }
                String libName = lib.getName().substring("BOOT-INF/lib/".length());
                try (InputStream in = outer.getInputStream(lib)) {
                    found.addAll(scanLibrary(libName, in));
                }
            }
        }
        return found;
    }

    /** The native libraries of one (plain) library jar. */
    static List<Found> scanLibrary(String libName, InputStream jarBytes) throws IOException {
        List<Found> found = new ArrayList<>();
        ZipInputStream nested = new ZipInputStream(jarBytes);
        for (ZipEntry entry; (entry = nested.getNextEntry()) != null; ) {
            if (entry.isDirectory() || entry.getName().endsWith(".class")) {
                continue;
            }
            Found f = classify(libName + "!" + entry.getName(), nested.readNBytes(20));
            if (f != null) {
                found.add(f);
            }
        }
        return found;
    }

    /** The entry names of the nested jar whose file name starts with {@code libPrefix}. */
    static List<String> entriesOf(Path fatJar, String libPrefix) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile outer = new JarFile(fatJar.toFile())) {
            for (Enumeration<JarEntry> e = outer.entries(); e.hasMoreElements(); ) {
                JarEntry lib = e.nextElement();
                if (lib.getName().startsWith("BOOT-INF/lib/" + libPrefix)) {
                    try (InputStream in = outer.getInputStream(lib);
                            ZipInputStream nested = new ZipInputStream(in)) {
                        for (ZipEntry entry; (entry = nested.getNextEntry()) != null; ) {
                            names.add(entry.getName());
                        }
                    }
                }
            }
        }
        return names;
    }

    /** A native library by its first bytes, or null for anything else (resources, text, class files). */
    static Found classify(String where, byte[] head) {
        if (head.length >= 20 && head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            boolean little = head[5] == 1;
            int machine =
                    little ? (head[18] & 0xFF) | (head[19] & 0xFF) << 8 : (head[19] & 0xFF) | (head[18] & 0xFF) << 8;
            return new Found(where, "ELF", head[4], head[7] & 0xFF, machine);
        }
        if (head.length >= 2 && head[0] == 'M' && head[1] == 'Z') {
            return new Found(where, "PE (Windows)", 0, 0, 0);
        }
        if (head.length >= 4) {
            int magic = (head[0] & 0xFF) << 24 | (head[1] & 0xFF) << 16 | (head[2] & 0xFF) << 8 | (head[3] & 0xFF);
            if (magic == 0xFEEDFACE
                    || magic == 0xFEEDFACF
                    || magic == 0xCEFAEDFE
                    || magic == 0xCFFAEDFE
                    || magic == 0xCAFEBABE) {
                return new Found(where, "Mach-O (macOS)", 0, 0, 0);
            }
        }
        String text = new String(head, 0, Math.min(head.length, 8), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.startsWith("!<arch>") || text.startsWith("<bigaf>")) {
            return new Found(where, "ar archive (" + text.substring(1, 6).toLowerCase(Locale.ROOT) + ")", 0, 0, 0);
        }
        return null;
    }
}
