package io.visionhub.simulators;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the enterprise simulators: a JDK {@link HttpServer} on its own port (0 = a free one), fault
 * injection in front of the system-specific handler, and OAuth2 client-credentials tokens for the systems
 * that accept them. Independent of Spring, so each simulator also runs standalone from its main method.
 */
public abstract class HttpSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSimulator.class);

    /** The JDK HTTP server's switch for TCP_NODELAY on its connections. */
    static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes an answer's headers and body in separate writes with Nagle's algorithm on: the body
        // waits for the client's delayed ACK of the headers, ~40 ms on Linux. A client that calls one request after
        // the other (an NCR's items in order) then got ~45 ms per call from the simulator, 2-3 ms with TCP_NODELAY
        // (bench/run SimulatorLatencyBench). The JDK reads this once, when its first server starts in the JVM; a
        // value set on the command line wins.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    protected final SimulatorFaults faults = new SimulatorFaults();
    private final String host;
    private final int requestedPort;
    private final Map<String, Long> accessTokens = new ConcurrentHashMap<>();
    private volatile long tokenLifetimeMillis = 3_600_000;
    private volatile String oauthClientId = "visionhub";
    private volatile String oauthClientSecret = "visionhub-secret";
    private HttpServer server;
    private ExecutorService executor;

    protected HttpSimulator(String host, int port) {
        this.host = host;
        this.requestedPort = port;
    }

    /** Short name for logs, e.g. "SAP simulator". */
    public abstract String displayName();

    /** Handles one request after the faults had their say. */
    protected abstract SimResponse handle(SimRequest request) throws Exception;

    /** Error answer in this system's own shape. */
    protected abstract SimResponse error(int status, String code, String message);

    public synchronized HttpSimulator start() {
        if (server != null) {
            return this;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(host, requestedPort), 256);
        } catch (IOException e) {
            throw new IllegalStateException(
                    displayName() + " cannot listen on " + host + ":" + requestedPort
                            + " (port in use? choose another port or 0 for a free one): " + e.getMessage(),
                    e);
        }
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, displayName().replace(' ', '-') + "-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
        LOG.info("{} listening on {}", displayName(), baseUrl());
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
            LOG.info("{} stopped", displayName());
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        if (server == null) {
            throw new IllegalStateException(displayName() + " is not started");
        }
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        String h = "0.0.0.0".equals(host) ? "localhost" : host;
        return "http://" + h + ":" + port();
    }

    public SimulatorFaults faults() {
        return faults;
    }

    /** Client id and secret that the OAuth2 token endpoint accepts. */
    public HttpSimulator oauthClient(String clientId, String clientSecret) {
        this.oauthClientId = clientId;
        this.oauthClientSecret = clientSecret;
        return this;
    }

    public HttpSimulator tokenLifetime(long millis) {
        this.tokenLifetimeMillis = millis;
        return this;
    }

    /** Invalidates every OAuth2 access token and session (token expiry). */
    public void expireTokens() {
        accessTokens.clear();
        expireSessions();
    }

    /** Subclasses with sessions (SAP CSRF) clear them here. */
    protected void expireSessions() {}

    /**
     * OAuth2 client credentials (RFC 6749 4.4): client id and secret by Basic auth or form fields,
     * answer {"access_token","token_type":"Bearer","expires_in"}.
     */
    protected SimResponse issueToken(SimRequest req) {
        Map<String, String> form = SimRequest.parseQuery(new String(req.body(), StandardCharsets.UTF_8));
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return SimResponse.json(
                    400,
                    Map.of(
                            "error",
                            "unsupported_grant_type",
                            "error_description",
                            "only grant_type=client_credentials is supported"));
        }
        String[] basic = req.basicCredentials();
        String id = basic != null ? basic[0] : form.get("client_id");
        String secret = basic != null ? basic[1] : form.get("client_secret");
        if (!oauthClientId.equals(id) || !oauthClientSecret.equals(secret)) {
            return SimResponse.json(
                    401, Map.of("error", "invalid_client", "error_description", "Bad client credentials"));
        }
        String token = UUID.randomUUID().toString();
        accessTokens.put(token, System.currentTimeMillis() + tokenLifetimeMillis);
        return SimResponse.json(
                200, Map.of("access_token", token, "token_type", "Bearer", "expires_in", tokenLifetimeMillis / 1000));
    }

    protected boolean validBearer(SimRequest req) {
        String token = req.bearerToken();
        if (token == null) {
            return false;
        }
        Long expiry = accessTokens.get(token);
        return expiry != null && expiry > System.currentTimeMillis();
    }

    private void exchange(HttpExchange ex) {
        try (ex) {
            URI uri = ex.getRequestURI();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            SimRequest req = new SimRequest(
                    ex.getRequestMethod(),
                    uri.getPath(),
                    SimRequest.parseQuery(uri.getRawQuery()),
                    ex.getRequestHeaders(),
                    SimRequest.parseCookies(ex.getRequestHeaders().get("Cookie")),
                    body);
            long delay = faults.delayMillis();
            if (delay > 0) {
                sleep(delay);
            }
            SimResponse resp;
            int injected = faults.takeServerError();
            if (faults.isDown()) {
                resp = error(503, "SIM/503", displayName() + " is down (injected fault)");
            } else if (injected > 0) {
                resp = error(injected, "SIM/" + injected, displayName() + " failed (injected fault)");
                if (faults.retryAfterSeconds() > 0 && (injected == 429 || injected == 503)) {
                    resp = resp.header("Retry-After", String.valueOf(faults.retryAfterSeconds()));
                }
            } else {
                try {
                    resp = handle(req);
                } catch (IllegalArgumentException e) {
                    resp = error(400, "SIM/BAD_REQUEST", e.getMessage());
                } catch (Exception e) {
                    LOG.warn("{} failed on {} {}: {}", displayName(), req.method(), req.path(), e.toString());
                    resp = error(500, "SIM/500", e.toString());
                }
            }
            if (resp.created()) {
                if (faults.takeLostAnswer()) {
                    LOG.info("{}: created document, answer dropped (injected fault)", displayName());
                    return; // closed without a status line: the client sees the connection end
                }
                long hang = faults.takeTimeoutAfterCreate();
                if (hang > 0) {
                    LOG.info("{}: created document, answer held {} ms (injected fault)", displayName(), hang);
                    sleep(hang);
                    return;
                }
            }
            for (Map.Entry<String, String> h : resp.headers()) {
                ex.getResponseHeaders().add(h.getKey(), h.getValue());
            }
            boolean noBody = resp.body().length == 0 || "HEAD".equals(req.method());
            ex.sendResponseHeaders(resp.status(), noBody ? -1 : resp.body().length);
            if (!noBody) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(resp.body());
                }
            }
        } catch (IOException e) {
            LOG.debug("{}: client went away: {}", displayName(), e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
