using AgbCode.Core.Sessions;
using AgbCode.Engine;
using AgbCode.Server.Api;
using AgbCode.Server.Auth;
using AgbCode.Server.Cluster;
using AgbCode.Server.Config;
using AgbCode.Server.Ops;
using AgbCode.Server.Sessions;
using AgbCode.Server.Streaming;
using AgbCode.Server.Tools;
using AgbCode.Server.Tools.Files;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace AgbCode.Server;

/// <summary>The self-hostable AgbCode server: the AGB API's code-execution subset over the local engine.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.FirstOrDefault() == "hash-key")
            return HashKey(args.Skip(1).FirstOrDefault() ?? ApiKeySources.DefaultTenant);
        WebApplication app;
        try
        {
            app = BuildApp(args);
        }
        catch (ConfigurationError error)
        {
            Console.Error.WriteLine($"agbcode-server: {error.Message}");
            return 2;
        }
        try
        {
            await app.RunAsync();
        }
        catch (ConfigurationError error)   // found once Kestrel has bound (PublicUrlCheck)
        {
            Console.Error.WriteLine($"agbcode-server: {error.Message}");
            return 2;
        }
        return 0;
    }

    /// <summary>
    /// Builds the server; <paramref name="configure"/> lets tests add to the builder (e.g. a log capture), and
    /// <paramref name="settings"/> add a configuration source before any setting is read.
    /// </summary>
    public static WebApplication BuildApp(string[] args, Action<WebApplicationBuilder>? configure = null, Action<IConfigurationBuilder>? settings = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        settings?.Invoke(builder.Configuration);
        ServerOptions options = ServerOptions.From(builder.Configuration);
        LocalSocketOptions? localSocket = LocalSocketOptions.From(builder.Configuration);
        ApiKeyStore keys = ApiKeySources.Load(builder.Configuration, keysRequired: localSocket is null);
        if (localSocket is not null)
            LocalSocketListener.Configure(builder, localSocket);

        builder.WebHost.UseKestrelHttpsConfiguration();   // TLS from the standard Kestrel configuration (docs/server.md)
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = BodyLimit.None.Bytes(options);   // each route raises it (BodyLimitMiddleware)
            // Bytes Kestrel takes off a socket ahead of the handler: small, so a body the handler never reads (a refused,
            // unauthenticated one) costs this much at most, not the 1 MiB default per connection.
            kestrel.Limits.MaxRequestBufferSize = 64 * 1024;
            kestrel.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        if (options.LogFormat == "text")
            builder.Logging.AddSimpleConsole(text => { text.IncludeScopes = true; text.SingleLine = true; text.UseUtcTimestamp = true; });
        else
            builder.Logging.AddJsonConsole(json => { json.IncludeScopes = true; json.UseUtcTimestamp = true; json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownGrace + TimeSpan.FromSeconds(30));

        var metrics = new ServerMetrics();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(ClusterOptions.From(builder.Configuration));
        builder.Services.AddSingleton<PeerClient>();
        builder.Services.AddSingleton<PeerDirectory>();
        builder.Services.AddSingleton<Placement>();
        builder.Services.AddSingleton<Forwarder>();
        builder.Services.AddSingleton<WebSocketRelay>();
        builder.Services.AddSingleton<ClusterListing>();
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<ShutdownCoordinator>();
        // The images are checked now: a bad image folder stops the server at start-up, naming the folder and the fix.
        var engineLog = new EngineLogBridge();
        var space = new LocalCodeSpace(options.SpareSessions, new AgbCode.Engine.Images.ImageCatalog(options.ImagesDir), log: engineLog.Log);
        try
        {
            space.CheckImages();
        }
        catch
        {
            space.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        builder.Services.AddSingleton<ICodeSpace>(_ => space);   // a factory, so that the container disposes it
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddSingleton<RunCodeTool>();
        builder.Services.AddSingleton<FileToolLimits>();
        builder.Services.AddSingleton<FileChangeTracker>();
        builder.Services.AddSingleton<ToolCatalog>();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddSingleton<SessionView>();
        builder.Services.AddSingleton<StreamQuotas>();
        builder.Services.AddSingleton(new AgbCode.Server.Contexts.TenantContexts(space.ContextsOf));
        builder.Services.AddSingleton<AgbCode.Server.Contexts.ContextFileAccess>();
        builder.Services.AddSingleton<AgbCode.Server.Contexts.ContextUrlSigner>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<PublicUrlCheck>();
        builder.Services.AddHostedService<ShutdownService>();
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        engineLog.Attach(app.Services.GetRequiredService<ILoggerFactory>());
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseStatusCodePages(ErrorEnvelopeMiddleware.WriteStatusCodePageAsync);
        app.UseMiddleware<ErrorEnvelopeMiddleware>();
        app.UseRouting();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseWebSockets();
        app.UseHttpMetrics(http => http.SetMetricFactory(Metrics.WithCustomRegistry(metrics.Registry)));

        app.MapGet("/healthz", (ShutdownCoordinator shutdown) =>
            shutdown.IsStopping ? Results.Text("stopping", statusCode: 503) : Results.Text("ok"));
        app.MapMetrics("/metrics", metrics.Registry);
        SessionRoutes.Map(app);
        SessionListRoute.Map(app);
        LabelRoutes.Map(app);
        ResourceRoutes.Map(app);
        ImageRoutes.Map(app);
        ToolRoutes.Map(app);
        LinkRoutes.Map(app);
        ContextRoutes.Map(app);
        ContextFileRoutes.Map(app);
        ContextSyncRoutes.Map(app);
        SignedFileRoutes.Map(app);
        StreamRoute.Map(app);
        ClusterRoutes.Map(app);

        app.Logger.LogInformation("AgbCode server instance {InstanceId}: {Tenants} tenants, public URL {PublicUrl}, local socket {LocalSocket}",
            options.InstanceId, keys.Tenants.Count, options.PublicUrl?.ToString() ?? "(the bound address)", localSocket?.Path ?? "(none)");
        return app;
    }

    /// <summary>`agbcode-server hash-key [tenant]` reads a key from stdin and prints its keys-file line (the key itself stays out of the file).</summary>
    private static int HashKey(string tenant)
    {
        string? key = Console.In.ReadLine()?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            Console.Error.WriteLine("agbcode-server hash-key: pipe the key on standard input, e.g. echo \"$KEY\" | agbcode-server hash-key tenant-a");
            return 2;
        }
        Console.WriteLine(ApiKeySources.HashedEntry(tenant, key));
        return 0;
    }
}
