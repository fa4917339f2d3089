package io.visionhub.outputs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks a TCP port for a listener the hub opens: the preferred one when free, else the next free one above it. */
public final class PortPicker {

    /** How many ports above the preferred one are tried before giving up. */
    public static final int SEARCH_SPAN = 100;

    private PortPicker() {}

    /**
     * The preferred port when it is free on the bind address (and on the wildcard address), else the next free one.
     *
     * @throws IllegalStateException when none of the {@link #SEARCH_SPAN} ports above it is free
     */
    public static int pick(String bindAddress, int preferred) {
        if (preferred == 0) {
            return ephemeral(bindAddress);
        }
        for (int port = preferred; port < Math.min(65536, preferred + SEARCH_SPAN); port++) {
            if (isFree(bindAddress, port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free TCP port in " + preferred + ".." + (preferred + SEARCH_SPAN - 1)
                + " on " + bindAddress + ": free one or configure another port");
    }

    /** Whether nothing listens on the port, checked on the bind address and on the wildcard address. */
    public static boolean isFree(String bindAddress, int port) {
        return canBind(bindAddress, port) && canBind("0.0.0.0", port) && canBind("127.0.0.1", port);
    }

    /**
     * What a bind address means for who can connect, for the log line of a listener: loopback only, every
     * interface, or one address. {@code key} is the setting that changes it.
     */
    public static String describe(String bindAddress, String key) {
        try {
            InetAddress a = InetAddress.getByName(bindAddress);
            if (a.isLoopbackAddress()) {
                return "loopback only: other machines cannot connect; set " + key + " to open it";
            }
            if (a.isAnyLocalAddress()) {
                return "every network interface: other machines can connect";
            }
            return "this address only";
        } catch (IOException e) {
            return "unresolved address";
        }
    }

    /** A port the operating system hands out as free. */
    public static int ephemeral(String bindAddress) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free TCP port on " + bindAddress + ": " + e.getMessage(), e);
        }
    }

    private static boolean canBind(String address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
