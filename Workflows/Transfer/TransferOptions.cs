namespace Scheduler.Workflows.Transfer;

/// <summary>Timeouts and buffer of the file transfer clients (FTP, FTPS, SFTP); the same for every connection.</summary>
public sealed class TransferOptions
{
    /// <summary>How long to wait for the TCP connection, control or data, and for the SSH handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long one reply or one data read may take. A frozen server is detected only by this timeout, so it bounds
    /// the silence, not the whole transfer: a large file may take hours as long as bytes keep coming.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Try EPSV before PASV. Off for the rare firewall or server that mishandles EPSV without refusing it; PASV is
    /// then used directly (its address is ignored either way, the data connection goes to the control host).
    /// </summary>
    public bool UseEpsv { get; set; } = true;

    /// <summary>Copy buffer for data transfers. Loopback throughput halves with 4 KiB; 1 MiB reaches the disk's speed.</summary>
    public int BufferSize { get; set; } = 1024 * 1024;
}
