package io.visionhub.enterprise.outbox;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A data source that notes every SQL statement run on its connections (plain, prepared or callable; each
 * execute call once), so a test can count the statements an operation sends and look at them.
 */
public final class StatementLog {

    private final List<String> sql = new ArrayList<>();

    /** A data source that runs everything on {@code ds} and notes the statements here. */
    public DataSource wrap(DataSource ds) {
        return proxy(DataSource.class, ds, (m, r) -> r instanceof Connection c ? connection(c) : r);
    }

    /** The statements run so far, in order. */
    public synchronized List<String> statements() {
        return List.copyOf(sql);
    }

    public synchronized void clear() {
        sql.clear();
    }

    private synchronized void ran(String statement) {
        sql.add(statement);
    }

    private Connection connection(Connection c) {
        return proxy(Connection.class, c, (m, a, r) -> {
            if (r instanceof PreparedStatement ps) { // CallableStatement too
                String text = (String) a[0];
                return proxy(PreparedStatement.class, ps, (m2, a2, r2) -> {
                    if (m2.getName().startsWith("execute")) {
                        ran(a2 == null || a2.length == 0 ? text : (String) a2[0]);
                    }
                    return r2;
                });
            }
            if (r instanceof Statement s) {
                return proxy(Statement.class, s, (m2, a2, r2) -> {
                    if (m2.getName().startsWith("execute") && a2 != null && a2.length > 0) {
                        ran((String) a2[0]);
                    }
                    return r2;
                });
            }
            return r;
        });
    }

    private interface After {
        Object apply(Method m, Object[] args, Object result) throws Exception;
    }

    private interface AfterResult {
        Object apply(Method m, Object result) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, AfterResult after) {
        return proxy(type, target, (m, a, r) -> after.apply(m, r));
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, After after) {
        return (T) Proxy.newProxyInstance(StatementLog.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            Object r;
            try {
                r = m.invoke(target, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after.apply(m, a, r);
        });
    }
}
