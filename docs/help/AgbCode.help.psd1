# The prose of the cmdlet help. build/New-AgbHelp.ps1 joins it with the built module's own metadata (parameter sets,
# positions, pipeline input, types) into en-US/AgbCode.PowerShell.dll-Help.xml, so syntax never drifts from the code.
@{
    'Invoke-AgbCode'    = @{
        Synopsis    = 'Runs Python, JavaScript, Java or R code in a sandbox and returns a typed result.'
        Description = @(
            'Invoke-AgbCode runs code, or the files that -Path or -LiteralPath name, in a session''s kernel for the language. Output the code prints appears on the host as it is produced, as Information records tagged PSHOST and Stdout or Stderr (like a native command''s console output); the result object, with the AGB fields Success, ExecutionCount, ExecutionTime, Logs, Results, Error and ErrorMessage, goes down the pipeline.'
            'Without -Session, every input runs in a fresh session that is removed afterwards, whatever happens. With -Session (or a session piped in), runs share the session''s state: variables, imports and files in its workspace.'
            'When the code fails (an exception, a compile error, a timeout), the result is written first, then a non-terminating error whose TargetObject is the result, so -ErrorAction Stop stops a script and try/catch can still read the output. Bad input (an unsupported language, a missing file, empty code, an invalid timeout) is reported before anything runs, per input, and the other inputs still run.'
            'Ctrl+C interrupts the code in the sandbox (its state is kept when the runtime allows), kills it when it does not stop within a second, and removes an ephemeral session.'
        )
        Parameters  = @{
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey      = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Code        = 'The code to run. Empty or whitespace-only code is rejected.'
            Path        = 'Files to run; wildcards allowed, relative to the current location. The language is inferred from each file''s extension (.py, .js .mjs .cjs, .java .jsh, .r .R) unless -Language is given.'
            LiteralPath = 'Files to run, taken literally (no wildcards). Binds the FullName and PSPath properties of piped objects, so Get-ChildItem *.R | Invoke-AgbCode works.'
            Language    = 'The language: java, javascript, python or r, or an alias (py, python3, js, node, nodejs), in any case. Required with -Code; with files it overrides the extension.'
            Session     = 'The session to run in: a session from New-AgbSession or Get-AgbSession, or its id. Piped sessions bind here. Without it, each input gets a fresh session that is removed afterwards.'
            TimeoutSec  = 'Wall-clock limit of each run, in seconds (default 60). On timeout the code is interrupted (state kept) and, if it does not stop within the grace period, its kernel is killed (state lost); the result''s Error.Name is TimeoutError either way and says which.'
            Stream      = 'Writes stdout chunks to the pipeline as AgbOutputChunk objects, live, instead of showing them on the host; they print as the program''s own text. Stderr still shows on the host. The result is written only with -PassThru.'
            PassThru    = 'With -Stream, also writes the result object after the chunks.'
            Quiet       = 'Shows nothing live; the result still holds all the output.'
            Variable    = 'Native variables defined in the kernel before the code runs, by name: @{ hosts = $servers; threshold = 80 } (use [ordered]@{} to keep their order). Values of any kind go as JSON (hashtables and objects as objects, lists as arrays, dates as ISO 8601 text, enums by name) and arrive as the language''s own types: Python dict/list/str/int/float/bool/None; R named lists, vectors, and data frames for lists of uniform objects; JavaScript objects; Java String, long, double, boolean, List<Object>, Map<String, Object>. Names must be identifiers the language can hold (no keywords, no $ in Python or R, no dots outside R). Bounded: 1 MiB of JSON ($env:AGBCODE_MAX_VARIABLE_BYTES) and 32 levels of nesting ($env:AGBCODE_MAX_VARIABLE_DEPTH); Java takes at most 2000 items per variable.'
            ArgumentList = 'The arguments of a file run (-Path, -LiteralPath), as the script sees them when run directly: sys.argv[1:] (sys.argv[0] and __file__ are the file''s name), commandArgs(trailingOnly = TRUE) (commandArgs() holds --file=NAME), process.argv.slice(2) (__filename is the name), and Java''s String[] args.'
        }
        Examples    = @(
            @{
                Code    = 'Invoke-AgbCode -Language python -Code ''import sys; print(sys.version); 6 * 7'''
                Remarks = 'Runs a line of Python in a fresh sandboxed session. The version prints live; the result''s Text is 42.'
            }
            @{
                Code    = '$s = New-AgbSession -Language python, r
Invoke-AgbCode -Session $s -Language py -Code "import csv; csv.writer(open(''data.csv'', ''w'')).writerows([[''x'', ''y''], [1, 2], [2, 4]])"
Invoke-AgbCode -Session $s -Language r -Code ''df <- read.csv("data.csv"); summary(lm(y ~ x, data = df))'''
                Remarks = 'Python writes a CSV file into the session''s workspace and R reads it: the kernels of one session share their workspace.'
            }
            @{
                Code    = 'Get-ChildItem ./checks/*.R | Invoke-AgbCode -Session $s -TimeoutSec 300 -ErrorAction Stop'
                Remarks = 'Runs every R file in a folder, inferring the language from the extension, and stops the script at the first failure.'
            }
            @{
                Code    = 'Invoke-AgbCode -Language js -Code ''for (let i = 0; i < 3; i++) console.log(`line ${i}`)'' -Stream | Select-String ''line 2'''
                Remarks = 'With -Stream, output flows down the pipeline like a native command''s standard output.'
            }
            @{
                Code    = '$r = Invoke-AgbCode -Language python -Variable @{ hosts = ''web1'', ''web2''; threshold = 80 } -Code ''{"count": len(hosts), "limit": threshold}''
$r.Value.count'
                Remarks = 'Passes PowerShell values in as native Python variables; the last expression comes back as PowerShell objects in .Value (2).'
            }
            @{
                Code    = 'Invoke-AgbCode -Path ./report.R -ArgumentList 2026-01, eu'
                Remarks = 'Runs a script with arguments: commandArgs(trailingOnly = TRUE) is c("2026-01", "eu").'
            }
        )
        Outputs     = 'AgbCode.Core.Results.EnhancedCodeExecutionResult; with -Stream, AgbCode.PowerShell.Model.AgbOutputChunk'
        Inputs      = 'AgbCode.PowerShell.Model.AgbSession by value; objects with a FullName or PSPath property (files) by property name'
        Notes       = @(
            'ErrorIds (public API): AgbExecutionFailed (the code raised an error or did not compile), AgbExecutionTimeout, AgbExecutionCancelled, AgbOutOfMemory (the memory limit was reached and the kernel restarted), AgbKernelDied, AgbSessionClosed; bad input: AgbUnsupportedLanguage, AgbLanguageUnknown, AgbEmptyCode, AgbInvalidCode, AgbCodeTooLarge, AgbInvalidTimeout, AgbInvalidVariableName, AgbVariableTooLarge, AgbVariableTooDeep, AgbInvalidArgument, AgbInvalidSetting, AgbPathNotFound, AgbPathNotFile, AgbPathNotFileSystem, AgbPathUnreadable; platform: AgbSandboxUnavailable, AgbKernelStartFailed, AgbRuntimeMissing, AgbLanguageUnavailable.'
            'Warnings say when a kernel was restarted (its earlier state is gone) and when output was cut at the session''s output cap.'
        )
        Links       = @('about_AgbCode', 'New-AgbSession', 'Save-AgbResult')
    }
    'New-AgbSession'    = @{
        Synopsis    = 'Creates a sandboxed session with a workspace and, per language, a kernel that keeps state between runs.'
        Description = @(
            'New-AgbSession creates a session on the local engine. Each kernel runs in a bubblewrap sandbox: no network, its own user, process, mount and IPC namespaces, a seccomp filter, a read-only system, and the session''s limits. A root engine gives the session its own unprivileged host uid, a cgroup and its own workspace volume; the Isolation property lists every protection and whether it holds on this host.'
            'Kernels start on first use; -Language starts them now, with progress. Sessions are visible from every runspace of the process (Start-ThreadJob, ForEach-Object -Parallel) and are removed with Remove-AgbSession, or when the process exits.'
        )
        Parameters  = @{
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey      = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Name           = 'A name to find the session by (Get-AgbSession -Name).'
            Image          = 'The AGB image: agb-code-space-1 (the default) or agb-code-space-2. Any other image is an error that lists the known ones.'
            Label          = 'Labels as a hashtable, e.g. @{ team = ''data'' }, to find sessions by (Get-AgbSession -Label).'
            Language       = 'Languages whose kernels start now instead of on first use.'
            MemoryMB       = 'Memory for all the session''s processes together, in MiB (default 1024).'
            MaxProcesses   = 'Processes and threads for the whole session (default 256).'
            CpuCount       = 'CPU time as a number of cores, e.g. 0.5 (default 1).'
            DiskMB         = 'Size of the workspace volume, in MiB (default 1024).'
            MaxFileSizeMB  = 'Largest single file, in MiB (default 256).'
            OutputLimitMB  = 'Output kept per run, in MiB (default 10); the rest is cut with a visible marker.'
            IdleTimeoutSec = 'Remove the session after this many seconds without a request (default: never, for local sessions).'
            Isolation      = 'Sandbox (the default), or None to run kernels unsandboxed as your user: for trusted code only, never a fallback. Local engine only.'
            Environment    = 'Environment variables of the session''s kernels, e.g. @{ REGION = ''eu''; DEBUG = 1 }, over the sandbox''s own (PATH, HOME, LANG, TMPDIR). Nothing is inherited from your environment. Names are ASCII letters, digits and _; values are text without NUL; at most 128 KiB per variable and 1 MiB in all. Local engine only: a remote endpoint refuses it (AgbEnvironmentNotSupported), since the AGB API cannot set a session''s environment.'
            WhatIf         = 'Shows what would be created without creating it.'
            Confirm        = 'Asks for confirmation before creating the session.'
        }
        Examples    = @(
            @{
                Code    = '$s = New-AgbSession -Name etl -Language python -MemoryMB 2048'
                Remarks = 'Creates a session named etl with 2 GiB of memory and starts its Python kernel now.'
            }
            @{
                Code    = 'New-AgbSession -Label @{ team = ''qa'' } | Format-List Id, Isolation
(Get-AgbSession -Label @{ team = ''qa'' }).Isolation.Protections'
                Remarks = 'Creates a labelled session and shows which protections its sandbox has on this host.'
            }
        )
        Outputs     = 'AgbCode.PowerShell.Model.AgbSession'
        Inputs      = 'None'
        Notes       = 'ErrorIds: AgbUnknownImage, AgbInvalidLabel, AgbInvalidEnvironment, AgbEnvironmentNotSupported, AgbInvalidLimit, AgbUnsupportedLanguage, AgbIsolationNotRemote (bad input); remote: AgbConnectionFailed, AgbAuthenticationFailed, AgbApiKeyMissing, AgbInsecureEndpoint, AgbRequestFailed; AgbSandboxUnavailable, AgbKernelStartFailed, AgbRuntimeMissing, AgbTooManySessions, AgbWorkspaceUnavailable (platform).'
        Links       = @('about_AgbCode', 'Invoke-AgbCode', 'Remove-AgbSession')
    }
    'Get-AgbSession'    = @{
        Synopsis    = 'Gets sessions: all of them, or by id, name (wildcards) or labels.'
        Description = @(
            'Get-AgbSession lists the sessions of this process, on every backend it uses. Sessions are process-wide: one made in one runspace is visible from the others.'
            'A name or id without wildcards that matches nothing is a non-terminating ObjectNotFound error; a wildcard that matches nothing returns nothing, as with Get-Process.'
        )
        Parameters  = @{
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey      = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Id    = 'Session ids. Binds the SessionId or Id property of piped objects, e.g. results.'
            Name  = 'Session names; wildcards allowed.'
            Label = 'Only sessions that have all these labels, e.g. @{ team = ''qa'' }.'
        }
        Examples    = @(
            @{ Code = 'Get-AgbSession'; Remarks = 'Lists every session, with its kernels, isolation and creation time.' }
            @{ Code = 'Get-AgbSession -Name etl*, report | Remove-AgbSession'; Remarks = 'Finds sessions by name and removes them.' }
            @{ Code = '$r = Invoke-AgbCode -Session $s -Language py -Code ''1''; $r | Get-AgbSession'; Remarks = 'A result leads back to its session through its SessionId property.' }
        )
        Outputs     = 'AgbCode.PowerShell.Model.AgbSession'
        Inputs      = 'Objects with a SessionId or Id property, by property name'
        Notes       = 'ErrorIds: AgbSessionNotFound.'
        Links       = @('about_AgbCode', 'New-AgbSession', 'Remove-AgbSession')
    }
    'Remove-AgbSession' = @{
        Synopsis    = 'Removes sessions and everything they hold: kernels, sandboxes, workspaces, cgroups.'
        Description = @(
            'Remove-AgbSession stops the session''s kernels (a run in progress ends with a SessionClosedError result), removes its sandboxes and its workspace with every file in it, and frees its host resources.'
            'It supports -WhatIf and -Confirm. Removing a session that does not exist is a non-terminating ObjectNotFound error.'
        )
        Parameters  = @{
            Session  = 'Sessions to remove, from New-AgbSession or Get-AgbSession; piped sessions bind here.'
            Id       = 'Ids of sessions to remove. Binds the SessionId property of piped objects.'
            PassThru = 'Writes each removed session to the pipeline.'
            WhatIf   = 'Shows which sessions would be removed without removing them.'
            Confirm  = 'Asks for confirmation before removing each session.'
        }
        Examples    = @(
            @{ Code = 'Remove-AgbSession -Session $s'; Remarks = 'Removes one session.' }
            @{ Code = 'Get-AgbSession | Remove-AgbSession -WhatIf'; Remarks = 'Shows what removing every session would do.' }
        )
        Outputs     = 'None; with -PassThru, AgbCode.PowerShell.Model.AgbSession'
        Inputs      = 'AgbCode.PowerShell.Model.AgbSession by value; objects with a SessionId property by property name'
        Notes       = 'ErrorIds: AgbSessionNotFound.'
        Links       = @('about_AgbCode', 'New-AgbSession', 'Get-AgbSession')
    }
    'Save-AgbResult'    = @{
        Synopsis    = 'Writes a result''s images, SVG, HTML, Markdown, LaTeX, JSON and charts to files, and returns the files.'
        Description = @(
            'Save-AgbResult writes each rich item of a result to a file named <prefix><item>.<extension>: by default <language>-<execution count>-<item>, e.g. python-3-1.png. PNG and JPEG images are decoded from base64; JSON and Vega-Lite charts (.vl.json) are indented. -Format picks which representations to write.'
            'An existing file is not overwritten without -Force (non-terminating error AgbFileExists). The folder is created when it does not exist.'
        )
        Parameters  = @{
            InputObject = 'A result from Invoke-AgbCode, or items of its Results property.'
            Path        = 'The folder to write to (default: the current location).'
            Format      = 'Which representations to write: Png, Jpeg, Svg, Html, Markdown, Latex, Json, Chart, Text. Default: all but Text.'
            Prefix      = 'File name prefix, instead of <language>-<execution count>-.'
            Force       = 'Overwrites existing files.'
            WhatIf      = 'Shows which files would be written.'
            Confirm     = 'Asks for confirmation before writing each file.'
        }
        Examples    = @(
            @{
                Code    = 'Invoke-AgbCode -Language py -Code ''import matplotlib.pyplot as plt; plt.plot([1, 4, 9])'' | Save-AgbResult -Path ./plots'
                Remarks = 'Saves the matplotlib figure as ./plots/python-1-1.png and returns the file.'
            }
            @{
                Code    = '$r | Save-AgbResult -Format Html, Svg -Prefix report- -Force'
                Remarks = 'Writes only the HTML and SVG representations, as report-1.html, report-2.svg ..., overwriting old ones.'
            }
        )
        Outputs     = 'System.IO.FileInfo'
        Inputs      = 'AgbCode.Core.Results.EnhancedCodeExecutionResult or AgbCode.Core.Results.ExecutionResult, by value'
        Notes       = 'ErrorIds: AgbNotAResult, AgbFileExists, AgbInvalidImageData.'
        Links       = @('Invoke-AgbCode')
    }
    'Get-AgbLanguage'   = @{
        Synopsis    = 'Lists the languages with their aliases and file extensions, and whether the backend can run each.'
        Description = @(
            'Get-AgbLanguage shows, for each supported language, the names it accepts, the file extensions Invoke-AgbCode infers it from, and whether the backend has its runtime (with the runtime''s version, or the reason and the package to install).'
        )
        Parameters  = @{
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey      = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Name = 'Languages or aliases to show; wildcards allowed (default: all).'
        }
        Examples    = @(
            @{ Code = 'Get-AgbLanguage'; Remarks = 'Shows all four languages and their runtimes.' }
            @{ Code = 'Get-AgbLanguage -Name py | Select-Object Available, Runtime'; Remarks = 'Finds a language by alias and shows whether it can run.' }
        )
        Outputs     = 'AgbCode.PowerShell.Cmdlets.AgbLanguage'
        Inputs      = 'None'
        Notes       = 'Nothing is run; the runtime versions are read once per process.'
        Links       = @('about_AgbCode', 'Invoke-AgbCode')
    }
}
