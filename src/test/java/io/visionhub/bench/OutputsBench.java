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
 * a client without a broker), each timed per event in the route's order (OPC UA first, then MQTT with the same
 * event), and the MQTT publish alone (its payload not written before by OPC UA).
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
        Side[] sides = {new Side("before", before, bench), new Side("after", after, bench)};
        try {
            for (Side s : sides) {
                for (int w = 0; w < 2; w++) {
                    s.round(events);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (Side s : sides) {
                    System.gc();
                    double[] f = s.round(events);
                    s.opcua[r] = f[0];
                    s.mqtt[r] = f[1];
                    s.mqttOnly[r] = f[2];
                    System.out.printf(
                            Locale.ROOT,
                            "round %d %-6s OPC UA publish %7.0f ns/event, MQTT after OPC UA %6.0f ns/event, "
                                    + "MQTT alone %6.0f ns/event, %.1f payload bytes/event%n",
                            r + 1,
                            s.name,
                            f[0],
                            f[1],
                            f[2],
                            f[3]);
                }
            }
            System.out.printf("%nmedian of %d rounds (loadavg %s)%n", rounds, loadavg());
            for (Side s : sides) {
                System.out.printf(
                        Locale.ROOT,
                        "%-6s OPC UA publish %7.0f ns/event, MQTT after OPC UA %6.0f ns/event, MQTT alone %6.0f "
                                + "ns/event%n",
                        s.name,
                        median(s.opcua),
                        median(s.mqtt),
                        median(s.mqttOnly));
            }
            System.out.printf(
                    Locale.ROOT,
                    "after/before: OPC UA %.2f, MQTT after OPC UA %.2f, OPC UA + MQTT %.2f%n",
                    median(sides[1].opcua) / median(sides[0].opcua),
                    median(sides[1].mqtt) / median(sides[0].mqtt),
                    (median(sides[1].opcua) + median(sides[1].mqtt))
                            / (median(sides[0].opcua) + median(sides[0].mqtt)));
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
        final Method run;
        final Method mqttAlone;
        final double[] opcua = new double[64];
        final double[] mqtt = new double[64];
        final double[] mqttOnly = new double[64];

        Side(String name, Path classes, Path bench) throws Exception {
            this.name = name;
            ClassLoader loader = new HubFirstLoader(
                    new URL[] {classes.toUri().toURL(), bench.toUri().toURL()}, OutputsBench.class.getClassLoader());
            Class<?> c = loader.loadClass(OutputsWorkload.class.getName());
            workload = c.getConstructor(Path.class).newInstance(Files.createTempDirectory("outputs-bench-" + name));
            events = c.getMethod("events", int.class);
            run = c.getMethod("run", List.class);
            mqttAlone = c.getMethod("mqttOnly", List.class);
        }

        /** {OPC UA ns/event, MQTT after OPC UA ns/event, MQTT alone ns/event, payload bytes/event}. */
        double[] round(int n) throws Exception {
            List<?> batch = (List<?>) events.invoke(workload, n);
            long[] r = (long[]) run.invoke(workload, batch);
            List<?> alone = (List<?>) events.invoke(workload, n);
            long m = (long) mqttAlone.invoke(workload, alone);
            return new double[] {(double) r[0] / n, (double) r[1] / n, (double) m / n, (double) r[2] / n};
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
