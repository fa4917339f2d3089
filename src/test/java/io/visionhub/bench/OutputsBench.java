package io.visionhub.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * CPU per event of the real-time outputs after the ledger commit, two builds side by side in one JVM: the OPC UA
 * station nodes ({@code StationNamespace.publish}) and the MQTT payload build ({@code MqttEventPublisher.publish} over
 * a client without a broker): both per event in the route's order (OPC UA, then MQTT with the same event), OPC UA
 * alone and MQTT alone (its payload not written before by OPC UA), each on a batch of new events. Figures are the
 * harness thread's CPU time (ThreadMXBean, so that other processes' load does not count) and the bytes it allocated,
 * per event.
 *
 * <pre>
 *   git worktree add --detach /tmp/base main &amp;&amp; (cd /tmp/base &amp;&amp; ./mvnw -B -o -q compile)
 *   bench/run OutputsBench [events per round, 20000] [rounds, 6] [classes before, /tmp/base/target/classes]
 * </pre>
 *
 * Each side runs in a class loader of its own that loads the hub's classes (io.visionhub.*) from its build's
 * target/classes first, and the libraries (Milo, Jackson, Paho) from the common class path. After two warm-up rounds
 * per side, rounds alternate before/after so that both see the same machine load; the figure per side is the median
 * of its rounds.
 */
public final class OutputsBench {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path before = Path.of(args.length > 2 ? args[2] : "/tmp/base/target/classes");
        Path after = Path.of("target/classes");
        Path bench = Path.of("target/test-classes");
        if (!Files.isDirectory(before.resolve("io/visionhub"))) {
            throw new IllegalArgumentException(
                    "no compiled hub classes in " + before + ": compile the build to compare "
                            + "against first (git worktree add --detach /tmp/base main; cd /tmp/base; ./mvnw -B -o -q "
                            + "compile) and pass its target/classes");
        }
        System.out.printf(
                "OutputsBench: %d events per round (8 stations, 10%% NG), %d rounds per side; before %s, after %s; "
                        + "loadavg %s%n",
                events, rounds, before, after, loadavg());
        Side[] sides = {new Side("before", before, bench, rounds), new Side("after", after, bench, rounds)};
        try {
            for (int w = 0; w < 3; w++) {
                for (Side s : sides) {
                    s.round(events);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (Side s : sides) {
                    System.gc();
                    double[] f = s.round(events);
                    s.record(r, f);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d %-6s OPC UA + MQTT %6.0f ns %6.0f B/event | OPC UA alone %6.0f ns %6.0f B | "
                                    + "MQTT alone %6.0f ns %6.0f B | MQTT after OPC UA %6.0f ns | %.0f MQTT bytes%n",
                            r + 1,
                            s.name,
                            f[0],
                            f[1],
                            f[2],
                            f[3],
                            f[4],
                            f[5],
                            f[0] - f[2],
                            f[6]);
                }
            }
            System.out.printf(
                    "%nCPU of the harness thread per event, median of %d rounds (loadavg %s)%n", rounds, loadavg());
            for (Side s : sides) {
                System.out.printf(
                        Locale.ROOT,
                        "%-6s OPC UA + MQTT %6.0f ns %6.0f B | OPC UA alone %6.0f ns %6.0f B | MQTT alone %6.0f ns "
                                + "%6.0f B%n",
                        s.name,
                        median(s.figures[0]),
                        median(s.figures[1]),
                        median(s.figures[2]),
                        median(s.figures[3]),
                        median(s.figures[4]),
                        median(s.figures[5]));
            }
            System.out.printf(
                    Locale.ROOT,
                    "after/before: OPC UA + MQTT %.2f (CPU) %.2f (bytes allocated), OPC UA alone %.2f, MQTT alone "
                            + "%.2f%n",
                    median(sides[1].figures[0]) / median(sides[0].figures[0]),
                    median(sides[1].figures[1]) / median(sides[0].figures[1]),
                    median(sides[1].figures[2]) / median(sides[0].figures[2]),
                    median(sides[1].figures[4]) / median(sides[0].figures[4]));
        } finally {
            for (Side s : sides) {
                s.close();
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "?";
        }
    }

    /** One build: its class loader and a workload made in it. */
    private static final class Side implements AutoCloseable {
        final String name;
        final Object workload;
        final Method events;
        final Method both;
        final Method opcuaOnly;
        final Method mqttOnly;
        final Method mqttBytes;
        /** per figure of {@link #round} (MQTT bytes left out), per round */
        final double[][] figures;

        Side(String name, Path classes, Path bench, int rounds) throws Exception {
            this.name = name;
            ClassLoader loader = new HubFirstLoader(
                    new URL[] {classes.toUri().toURL(), bench.toUri().toURL()}, OutputsBench.class.getClassLoader());
            Class<?> c = loader.loadClass(OutputsWorkload.class.getName());
            workload = c.getConstructor(Path.class).newInstance(Files.createTempDirectory("outputs-bench-" + name));
            events = c.getMethod("events", int.class);
            both = c.getMethod("both", List.class);
            opcuaOnly = c.getMethod("opcuaOnly", List.class);
            mqttOnly = c.getMethod("mqttOnly", List.class);
            mqttBytes = c.getMethod("mqttBytes");
            figures = new double[6][rounds];
        }

        /**
         * Three batches of new events: OPC UA then MQTT per event, OPC UA alone, MQTT alone. Per event: {CPU ns and
         * bytes allocated of each of the three, then MQTT payload+topic bytes of the first}.
         */
        double[] round(int n) throws Exception {
            long b0 = (long) mqttBytes.invoke(workload);
            long[] a = (long[]) both.invoke(workload, events.invoke(workload, n));
            long b1 = (long) mqttBytes.invoke(workload);
            long[] o = (long[]) opcuaOnly.invoke(workload, events.invoke(workload, n));
            long[] m = (long[]) mqttOnly.invoke(workload, events.invoke(workload, n));
            return new double[] {
                (double) a[0] / n,
                (double) a[1] / n,
                (double) o[0] / n,
                (double) o[1] / n,
                (double) m[0] / n,
                (double) m[1] / n,
                (double) (b1 - b0) / n
            };
        }

        void record(int round, double[] f) {
            for (int i = 0; i < figures.length; i++) {
                figures[i][round] = f[i];
            }
        }

        @Override
        public void close() throws Exception {
            ((AutoCloseable) workload).close();
        }
    }

    /** Loads io.visionhub.* from its own URLs first (one build's classes), everything else from the parent. */
    private static final class HubFirstLoader extends URLClassLoader {
        HubFirstLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.visionhub.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
