using System.Text.Json;

namespace Scheduler.Testing;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd) on 127.0.0.1, started once per test process on first use: one port
/// that requires STARTTLS and then a login (<see cref="Username"/>, <see cref="Password"/>), one port of SMTP over TLS
/// from the first byte (SMTPS) with the same login, both with a self-signed certificate for <c>localhost</c> whose
/// fingerprint is <see cref="CertificateSha256"/>. Every message it accepts is written to its folder with its envelope;
/// <see cref="Received"/> reads them back.
/// </summary>
public sealed class SmtpServer
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<SmtpServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _mailFolder;

    private SmtpServer(string mailFolder, int startTlsPort, int tlsPort, string certificateSha256)
    {
        _mailFolder = mailFolder;
        StartTlsPort = startTlsPort;
        TlsPort = tlsPort;
        CertificateSha256 = certificateSha256;
    }

    public static SmtpServer Shared => SharedServer.Value;

    public string Host { get; } = "127.0.0.1";

    /// <summary>Plain SMTP that accepts nothing before STARTTLS.</summary>
    public int StartTlsPort { get; }

    /// <summary>SMTPS: TLS from the first byte.</summary>
    public int TlsPort { get; }

    public string Username { get; } = "mailer";

    public string Password { get; } = "smtp-test-secret";

    /// <summary>SHA-256 of the server's certificate, in hex with colons.</summary>
    public string CertificateSha256 { get; }

    /// <summary>The messages accepted so far for <paramref name="recipient"/> (an envelope recipient), oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Received(string recipient) =>
        [.. Directory.EnumerateFiles(_mailFolder, "*.json")
            .Select(path => (Path: path, Envelope: JsonSerializer.Deserialize<ReceivedEnvelope>(File.ReadAllText(path))!))
            .Where(m => m.Envelope.Recipients.Contains(recipient, StringComparer.OrdinalIgnoreCase))
            .OrderBy(m => File.GetLastWriteTimeUtc(m.Path))
            .Select(m => new ReceivedMail(m.Envelope, File.ReadAllBytes(Path.ChangeExtension(m.Path, ".eml"))))];

    private static SmtpServer Start()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"The SMTP test server needs {Python} with aiosmtpd: apt-get install python3-aiosmtpd");
        }

        var workFolder = Path.Combine(Path.GetTempPath(), "scheduler-smtp-" + Guid.NewGuid().ToString("N"));
        var mailFolder = Directory.CreateDirectory(Path.Combine(workFolder, "mail")).FullName;
        var fingerprint = SelfSignedCertificate.Write(workFolder);
        var script = Path.Combine(workFolder, "smtp_server.py");
        File.WriteAllText(script, Script);
        var (startTlsPort, tlsPort) = (ServerProcess.FreePort(), ServerProcess.FreePort());
        var server = new SmtpServer(mailFolder, startTlsPort, tlsPort, fingerprint);

        // The SMTPS listener is opened first, so the STARTTLS port accepting connections means both are up.
        ServerProcess.Start(
            "aiosmtpd",
            Python,
            [script, mailFolder, $"{startTlsPort}", $"{tlsPort}", server.Username, server.Password, Path.Combine(workFolder, "cert.pem"), Path.Combine(workFolder, "key.pem")],
            startTlsPort,
            workFolder);
        return server;
    }

    private const string Script = """
        import asyncio, json, os, ssl, sys, uuid
        from aiosmtpd.smtp import SMTP, AuthResult

        folder, starttls_port, tls_port, user, password, cert, key = sys.argv[1:8]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        class Save:
            async def handle_DATA(self, server, session, envelope):
                name = os.path.join(folder, uuid.uuid4().hex)
                with open(name + ".eml", "wb") as f:
                    f.write(envelope.original_content)
                tls = session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None
                login = session.auth_data.login.decode() if session.auth_data else None
                with open(name + ".tmp", "w") as f:
                    json.dump({"Sender": envelope.mail_from, "Recipients": envelope.rcpt_tos, "Tls": tls, "Login": login}, f)
                os.rename(name + ".tmp", name + ".json")
                return "250 Message accepted for delivery"

        def starttls():
            return SMTP(Save(), tls_context=context, require_starttls=True, authenticator=authenticator, auth_required=True)

        def smtps():
            return SMTP(Save(), authenticator=authenticator, auth_required=True, auth_require_tls=False)

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(loop.create_server(smtps, "127.0.0.1", int(tls_port), ssl=context))
        loop.run_until_complete(loop.create_server(starttls, "127.0.0.1", int(starttls_port)))
        loop.run_forever()
        """;
}

/// <summary>What the SMTP test server was told in the envelope of a message, and whether it came over TLS with a login.</summary>
public sealed record ReceivedEnvelope(string Sender, IReadOnlyList<string> Recipients, bool Tls, string? Login);

/// <summary>A message the SMTP test server accepted: its envelope and its bytes as sent.</summary>
public sealed record ReceivedMail(ReceivedEnvelope Envelope, byte[] Content);
