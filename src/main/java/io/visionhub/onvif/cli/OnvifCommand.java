package io.visionhub.onvif.cli;

import io.visionhub.HubLogging;
import io.visionhub.onvif.DeviceInformation;
import io.visionhub.onvif.OnvifCameras;
import io.visionhub.onvif.OnvifException;
import io.visionhub.onvif.WsDiscovery;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.util.TimeUtils;

/**
 * The ONVIF command (no Spring context): list the cameras on the network with their profiles.
 * <pre>
 *   discover  [--interface IF] [--timeout 3s] [--port 3702] [--username U]
 *   profiles  --address HOST[:PORT] [--path /onvif/device] [--https true] [--username U]
 * </pre>
 * The password is read from the environment variable VISIONHUB_ONVIF_PASSWORD (or the one --password-env names), never
 * from the command line, where other users of the machine could read it. Run from the packaged hub:
 * {@code java -cp vision-hub.jar -Dloader.main=io.visionhub.onvif.cli.OnvifCommand
 * org.springframework.boot.loader.launch.PropertiesLauncher discover --interface eth0}. Exit code 0: cameras found
 * (profiles listed), 1: none found or a camera refused, failed or did not answer, 2: usage error (bad option, malformed
 * address or port, unknown interface) or a probe that could not be sent.
 */
public final class OnvifCommand {

    public static final String PASSWORD_ENV = "VISIONHUB_ONVIF_PASSWORD";

    private OnvifCommand() {}

    public static void main(String[] args) {
        HubLogging.useHubConfiguration();
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 0) {
            return usage(err, "no command");
        }
        try {
            Map<String, String> o = options(args);
            if (o.containsKey("password")) {
                throw new IllegalArgumentException(
                        "--password is not taken (it would show in the process list): set " + PASSWORD_ENV);
            }
            String user = o.get("username");
            String password = env.get(o.getOrDefault("password-env", PASSWORD_ENV));
            OnvifCameras cameras = new OnvifCameras(
                    a -> new String[] {user, password},
                    duration(o.getOrDefault("request-timeout", "5s"), "request-timeout"));
            return switch (args[0]) {
                case "discover" -> discover(cameras, o, user != null, out);
                case "profiles" -> {
                    String address = o.get("address");
                    if (address == null) {
                        throw new IllegalArgumentException("profiles needs --address host[:port]");
                    }
                    String https = o.getOrDefault("https", "false");
                    if (!https.equals("true") && !https.equals("false")) {
                        throw new IllegalArgumentException("--https is true or false, not " + https);
                    }
                    yield print(cameras.profiles(address, o.get("path"), https.equals("true")), "", out) ? 0 : 1;
                }
                default -> usage(err, "unknown command " + args[0]);
            };
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (OnvifException e) {
            err.println("onvif " + args[0] + " failed: " + e.getMessage());
            return 2;
        }
    }

    private static int discover(OnvifCameras cameras, Map<String, String> o, boolean withProfiles, PrintStream out) {
        Duration timeout = duration(o.getOrDefault("timeout", "3s"), "timeout");
        int port = port(o.getOrDefault("port", String.valueOf(WsDiscovery.PORT)));
        OnvifCameras.Discovery d = cameras.discover(o.get("interface"), port, timeout, withProfiles);
        out.println(d.cameras().size() + " ONVIF camera(s) answered within " + timeout.toMillis() + " ms on interface "
                + d.networkInterface()
                + (d.unreadableAnswers() > 0 ? " (" + d.unreadableAnswers() + " unreadable answers skipped)" : ""));
        boolean allOk = !d.cameras().isEmpty();
        for (OnvifCameras.Camera c : d.cameras()) {
            out.println(c.address() + "  " + nz(c.name()) + "  hardware " + nz(c.hardware()) + "  location "
                    + nz(c.location()) + "  " + c.endpointReference());
            out.println("  device service " + String.join(" ", c.xaddrs()));
            if (c.details() != null) {
                allOk &= print(c.details(), "  ", out);
            } else if (!withProfiles) {
                out.println("  (profiles: give --username and set " + PASSWORD_ENV + ")");
            }
        }
        return allOk ? 0 : 1;
    }

    /** Prints a camera's device and profiles; false when the camera gave an error instead. */
    private static boolean print(OnvifCameras.CameraProfiles p, String indent, PrintStream out) {
        if (p.error() != null) {
            out.println(indent + "ERROR " + p.errorKind() + ": " + p.error());
            return false;
        }
        DeviceInformation i = p.device();
        out.println(indent + nz(i.manufacturer()) + " " + nz(i.model()) + ", firmware " + nz(i.firmwareVersion())
                + ", serial " + nz(i.serialNumber()) + "; profiles from " + nz(p.mediaService()) + " at "
                + nz(p.deviceService()));
        for (OnvifCameras.Profile pr : p.profiles()) {
            out.println(indent + "profile " + pr.token() + " (" + nz(pr.name()) + ", " + nz(pr.encoding()) + " "
                    + pr.width() + "x" + pr.height() + ")");
            out.println(indent + "  source   " + pr.source());
            out.println(indent + "  stream   " + nz(pr.streamUri()));
            out.println(indent + "  snapshot " + nz(pr.snapshotUri()));
        }
        return true;
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("--port '" + s + "' is not a UDP port (1-65535)");
    }

    private static Duration duration(String s, String name) {
        try {
            return Duration.ofMillis(TimeUtils.toMilliSeconds(s));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--" + name + " '" + s + "' is not a duration (3s, 1500ms)");
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("onvif: " + problem);
        err.println("usage: discover [--interface IF] [--timeout 3s] [--port 3702] [--username U]");
        err.println("       profiles --address HOST[:PORT] [--path /onvif/device] [--https true] [--username U]");
        err.println("       the password comes from the environment variable " + PASSWORD_ENV);
        return 2;
    }
}
