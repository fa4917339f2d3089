package io.visionhub.outputs.mqtt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets for Paho with Nagle's algorithm off: an MQTT PUBLISH of a few hundred bytes leaves at once instead
 * of waiting for the acknowledgement of the previous segment (tens of milliseconds with delayed ACKs).
 * <p>
 * Their input stream is buffered: Paho 1.2.5 reads the socket's stream as it is, a packet's first byte, then its
 * length byte by byte, then the rest, so every packet received (a PUBLISH on the input, a PUBACK on the output) cost
 * three or more read system calls on Paho's receive thread, and one more to ask what is available. Buffered, one read
 * takes what the kernel holds, often several packets (bench/README-routing.md, MqttClientsBench). Paho's 1 s read
 * timeout keeps working: a read that times out leaves the buffer as it was.
 */
public final class NoDelaySocketFactory extends SocketFactory {

    /** Bytes taken per read: some twenty inspection events of ~850 bytes. */
    static final int READ_BUFFER = 16 * 1024;

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(new BufferedReadSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(new BufferedReadSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(new BufferedReadSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(new BufferedReadSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(new BufferedReadSocket(address, port, localAddress, localPort));
    }

    /** A socket whose input stream is one buffered stream, the same on every call. */
    static final class BufferedReadSocket extends Socket {
        private InputStream in;

        BufferedReadSocket() {}

        BufferedReadSocket(String host, int port) throws UnknownHostException, IOException {
            super(host, port);
        }

        BufferedReadSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            super(host, port, localHost, localPort);
        }

        BufferedReadSocket(InetAddress host, int port) throws IOException {
            super(host, port);
        }

        BufferedReadSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            super(address, port, localAddress, localPort);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new BufferedInput(super.getInputStream());
            }
            return in;
        }
    }

    /**
     * Paho asks {@code available()} before every packet (to name its state "receiving"): answered from the buffer when
     * it holds bytes, it costs no system call (BufferedInputStream's own asks the socket every time).
     */
    static final class BufferedInput extends BufferedInputStream {
        BufferedInput(InputStream in) {
            super(in, READ_BUFFER);
        }

        @Override
        public synchronized int available() throws IOException {
            int buffered = count - pos;
            return buffered > 0 ? buffered : super.available();
        }
    }
}
