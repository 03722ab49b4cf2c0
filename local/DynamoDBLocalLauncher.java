import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local like its own ServerRunner does, with two differences the stock jar has
 * no option for:
 *  - the HTTP connector listens on one host only (first argument, e.g. 127.0.0.1) instead of
 *    every interface;
 *  - the JVM exits as soon as its standard input reaches end-of-file, i.e. when the process that
 *    started it goes away, however it went away (SIGKILL included), so it cannot be orphaned.
 * Telemetry is never configured, so nothing is sent anywhere.
 *
 * Usage: java -cp <this dir>:DynamoDBLocal.jar DynamoDBLocalLauncher <host> [DynamoDB Local options]
 * Compiled on demand by local/dynamodb-local.ts.
 */
public final class DynamoDBLocalLauncher {
    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) {
            System.err.println("usage: DynamoDBLocalLauncher <host> [DynamoDB Local options]");
            System.exit(2);
        }
        String host = argv[0];
        String[] args = new String[argv.length - 1];
        System.arraycopy(argv, 1, args, 0, args.length);

        Thread watchdog = new Thread(() -> {
            try {
                byte[] buffer = new byte[256];
                while (System.in.read(buffer) >= 0) {
                    // the parent never writes; reading only detects when the pipe closes
                }
            } catch (Exception ignored) {
                // a broken pipe means the parent is gone too
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        CommandLineInput input = new CommandLineInput(args);
        if (!input.init()) {
            System.exit(2);
        }
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        int bound = 0;
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof ServerConnector serverConnector) {
                serverConnector.setHost(host);
                bound++;
            }
        }
        if (bound == 0) {
            System.err.println("DynamoDBLocalLauncher: no ServerConnector found, cannot restrict the listen host");
            System.exit(3);
        }
        try {
            proxy.start();
        } catch (Exception e) {
            System.err.println("Could not start server: " + e);
            System.exit(1);
        }
        System.out.println("DynamoDBLocalLauncher: listening on " + host + ":" + input.getPort());
    }
}
