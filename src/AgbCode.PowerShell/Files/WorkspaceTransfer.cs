using System.Management.Automation;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Cmdlets;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// Moves archives between this machine and a session's workspace. The session's side runs on a background task; this
/// side (building or unpacking the archive, progress, errors) runs on the pipeline thread, joined by a bounded pipe.
/// </summary>
internal sealed class WorkspaceTransfer(AgbCmdlet cmdlet, IWorkspaceFiles files, CancellationToken stop)
{
    /// <summary>Sends <paramref name="items"/> into the folder <paramref name="destination"/> of the session.</summary>
    public void Upload(IReadOnlyList<UploadItem> items, string destination, string activity, Action<UploadItem, Exception> skipped)
    {
        var progress = new TransferProgress(cmdlet, activity, items.Sum(i => i.Length));
        using var pipe = new ChunkPipe();
        using CancellationTokenRegistration _ = stop.Register(() => pipe.Fail(new OperationCanceledException(stop)));
        Task upload = Task.Run(async () =>
        {
            try
            {
                await files.UploadAsync(pipe.Reader, destination, null, stop).ConfigureAwait(false);
            }
            catch (Exception failure)
            {
                pipe.Fail(failure);
                throw;
            }
            finally
            {
                pipe.Fail(new IOException("The session stopped reading the archive."));   // unblocks a writer still writing
            }
        });
        try
        {
            using (var counted = new CountingStream(pipe.Writer, progress.Report))
                UploadArchive.Write(counted, items, skipped);
            pipe.CompleteWriting();
        }
        catch (Exception failure)
        {
            Abandon(pipe, upload, failure);
            throw;
        }
        finally
        {
            progress.Complete();
        }
        cmdlet.Await(upload);
    }

    /// <summary>
    /// Brings <paramref name="paths"/> (each archived under its last name) out of the session through
    /// <paramref name="extractor"/>, reporting every item written or refused to <paramref name="extracted"/>.
    /// </summary>
    public void Download(IReadOnlyList<string> paths, long expectedBytes, string activity, SafeTarExtractor extractor,
        Func<string, string?> map, Action<ExtractedItem> extracted)
    {
        var progress = new TransferProgress(cmdlet, activity, expectedBytes);
        using var pipe = new ChunkPipe();
        using CancellationTokenRegistration _ = stop.Register(() => pipe.Fail(new OperationCanceledException(stop)));
        Task download = Task.Run(async () =>
        {
            try
            {
                await files.DownloadAsync(paths, pipe.Writer, null, stop).ConfigureAwait(false);
                pipe.CompleteWriting();
            }
            catch (Exception failure)
            {
                pipe.Fail(failure);
                throw;
            }
        });
        try
        {
            extractor.Progress = progress.Report;
            foreach (ExtractedItem item in extractor.Extract(pipe.Reader, map))
                extracted(item);
            pipe.Reader.CopyTo(Stream.Null);   // the archive's end padding, so the session's side can finish
        }
        catch (Exception failure)
        {
            Abandon(pipe, download, failure);
            throw;
        }
        finally
        {
            progress.Complete();
        }
        cmdlet.Await(download);
    }

    /// <summary>
    /// After this side failed: when the pipe broke, the session's side (or Ctrl+C) failed first, and its error is the one
    /// to throw; otherwise this side's error stands, and the session's side is told to stop.
    /// </summary>
    private void Abandon(ChunkPipe pipe, Task sessionSide, Exception failure)
    {
        if (failure is PipeBrokenException)
        {
            cmdlet.Await(sessionSide);
            return;
        }
        pipe.Fail(new IOException("The copy was abandoned on this machine: " + failure.Message));
        try
        {
            sessionSide.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException) { }   // it fails because this side stopped; this side's error is the one that matters
    }
}
