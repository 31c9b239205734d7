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
            'What the code produced reaches the host inert: in the live output, error records, warnings, Verbose and the result and chunk views, control characters other than newline and tab are shown (ESC as ␛, C1 controls and bidi overrides as <U+XXXX>), never interpreted, and colour passes only where $PSStyle.OutputRendering renders it. The result and the -Stream chunks keep the exact text (see about_AgbCode, WHAT THE MODULE SHOWS AND WRITES).'
        )
        Parameters  = @{
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080, or the local engine service''s socket, unix:///run/agbcode/engine.sock (no key); without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine: in-process for root, else the local engine service where it is installed and lets you in (about_AgbCode).'
            ApiKey      = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Code        = 'The code to run. Empty or whitespace-only code is rejected. Without -Language, one line that names existing files (wildcards allowed: *.py) or ends in a language extension and holds none of ( ) '' " ; = { } < > | $ ` runs those files instead (Invoke-AgbCode ./x.R); see about_AgbCode.'
            Path        = 'Files to run; wildcards allowed, relative to the current location. The language is inferred from each file''s extension (.py, .js .mjs .cjs, .java .jsh, .r .R) unless -Language is given.'
            LiteralPath = 'Files to run, taken literally (no wildcards). Binds the FullName and PSPath properties of piped objects, so Get-ChildItem *.R | Invoke-AgbCode works.'
            Language    = 'The language: java, javascript, python or r, or an alias (py, python3, js, node, nodejs), in any case. Required with -Code unless -Session has exactly one kernel; with files it overrides the extension.'
            Session     = 'The session to run in: a session from New-AgbSession or Get-AgbSession, its id or its name (Tab completes them). Piped sessions bind here. Without it, each input gets a fresh session that is removed afterwards; $null is an error, not a fresh session, and an id or name that names no session is AgbSessionNotFound (nothing runs).'
            TimeoutSec  = 'Wall-clock limit of each run, in seconds (default 60). On timeout the code is interrupted (state kept) and, if it does not stop within the grace period, its kernel is killed (state lost); the result''s Error.Name is TimeoutError either way and says which.'
            Stream      = 'Writes stdout to the pipeline as one string per line, without its newline, live, like a native command (a last line without newline comes out when the run ends). Control characters other than tab are made visible in these strings (colour passes only where the host renders it), since PowerShell prints strings as they are; the exact output is in the result''s Stdout (-PassThru). Stderr still shows on the host. The result is written only with -PassThru.'
            PassThru    = 'With -Stream, also writes the result object after the lines. With -OutputPath, also writes the files copied back, as FileInfo objects, after the result.'
            Quiet       = 'Shows nothing live; the result still holds all the output.'
            InputPath   = 'Files and folders (wildcards allowed, relative to the current location) copied into the session''s workspace before each run, folders with everything in them. Each keeps its path relative to the script''s folder (for -Code, the current location), and the workspace is the code''s working directory, so -Path ./report/x.R -InputPath ./report/data.csv lets x.R read "data.csv". An input outside that folder goes to the workspace root by its name.'
            Context     = 'Contexts the run''s own session mounts (NAME at /contexts/NAME, or NAME:/absolute/path), as New-AgbSession -Context: a dataset or a package cache kept in a context is read in every run without copying it in. Not with -Session (AgbContextNeedsNewSession): a session keeps the contexts it was made with. Runs are one after another, each releasing the context before the next mounts it.'
            OutputPath  = 'A local folder (made when missing) that receives, after each run, the workspace files the run created or changed (found by comparing lengths and times before and after; hidden files and folders, whose names start with a dot, are left out), at their paths relative to the workspace. Files of the same name there are replaced. Works for the fresh session of a run without -Session: the files are copied back before it is removed.'
            Variable    = 'Native variables defined in the kernel before the code runs, by name: @{ hosts = $servers; threshold = 80 } (use [ordered]@{} to keep their order). Values of any kind go as JSON (hashtables and objects as objects, lists as arrays, dates as ISO 8601 text, enums by name) and arrive as the language''s own types: Python dict/list/str/int/float/bool/None; R named lists, vectors, and data frames for lists of uniform objects; JavaScript objects; Java String, long, double, boolean, List<Object>, Map<String, Object>. Names must be identifiers the language can hold (no keywords, no $ in Python or R, no dots outside R). Bounded: 1 MiB of JSON ($env:AGBCODE_MAX_VARIABLE_BYTES) and 32 levels of nesting ($env:AGBCODE_MAX_VARIABLE_DEPTH); Java takes at most 2000 items per variable.'
            ArgumentList = 'The arguments of the run, as the program sees them when run directly: for a file (-Path, -LiteralPath, a positional path, piped files) sys.argv[1:] (sys.argv[0] and __file__ are the file''s name), commandArgs(trailingOnly = TRUE) (commandArgs() holds --file=NAME), process.argv.slice(2) (__filename is the name), and Java''s String[] args; for inline -Code the same, as python3 -c CODE ARGS gives them (sys.argv[0] is -c).'
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
                Code    = 'Invoke-AgbCode -Path ./report/plot.R -InputPath ./report/data.csv -OutputPath ./results -PassThru'
                Remarks = 'Copies data.csv into a fresh session beside where plot.R runs, runs the script, and copies every file it wrote (a PNG, a CSV) to ./results, writing them as FileInfo objects after the result.'
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
        Outputs     = 'AgbCode.Core.Results.EnhancedCodeExecutionResult (ExitCode is set when the program exited); with -Stream, System.String (one per line)'
        Inputs      = 'AgbCode.PowerShell.Model.AgbSession by value; objects with a FullName or PSPath property (files) by property name'
        Notes       = @(
            'ErrorIds (public API): AgbExecutionFailed (the code raised an error or did not compile), AgbExecutionTimeout, AgbExecutionCancelled, AgbOutOfMemory (the memory limit was reached and the kernel restarted), AgbKernelDied, AgbSessionClosed; bad input: AgbUnsupportedLanguage, AgbLanguageUnknown, AgbEmptyCode, AgbInvalidCode, AgbCodeTooLarge, AgbInvalidTimeout, AgbPathNotFound, AgbPathNotFile, AgbPathNotFileSystem, AgbPathUnreadable, AgbInputPathNotFound, AgbFolderUnusable (-OutputPath is a file or cannot be made; nothing runs); files: the ErrorIds of Copy-AgbItem; platform: AgbSandboxUnavailable, AgbKernelStartFailed, AgbRuntimeMissing, AgbLanguageUnavailable.'
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
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080, or the local engine service''s socket, unix:///run/agbcode/engine.sock (no key); without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine: in-process for root, else the local engine service where it is installed and lets you in (about_AgbCode).'
            ApiKey      = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Name           = 'A name to find the session by (Get-AgbSession -Name).'
            Image          = 'The code image: agb-code-space-1 (the default), agb-code-space-2, or an image the backend''s operator declared (Get-AgbImage -Name * lists them; about_AgbCode, ADDING PACKAGES, says how to add one). Any other image is an AgbUnknownImage error that lists the known ones; an image whose folder is unsafe is AgbInvalidImage.'
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
            Context        = 'Contexts to mount, read-write, as the session''s user: NAME mounts the context at /contexts/NAME, NAME:/absolute/path at that path (absolute, normalised, not a system folder such as /etc or /usr: AgbBadContextPath). Several are allowed. A context is mounted by one session at a time: one that another session holds is AgbContextInUse, naming that session; an unknown one is AgbContextNotFound. Such a session is always made fresh (never a spare one). See about_AgbCode, CONTEXTS.'
            Network        = 'The only places the session''s code may reach, e.g. ''localhost:8080'', ''api.internal:443'', ''10.1.0.0/16:5432'', ''10.0.0.53:53/udp''. Each entry is HOST:PORT or HOST:FIRST-LAST, /udp for UDP (TCP otherwise); HOST is a name (resolved once, when the session is made; only listed names resolve inside), an IPv4 address, an [IPv6] address or a CIDR block; localhost, 127.0.0.1 and [::1] mean this host''s loopback, that port only. Everything else is refused at once. Without it the session has no network at all. $s.Isolation.Network says what is open. A server allows it only for tenants its operator lists in AGBCODE_NETWORK_TENANTS.'
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
        Notes       = 'ErrorIds: AgbUnknownImage, AgbInvalidImage, AgbInvalidLabel, AgbInvalidEnvironment, AgbEnvironmentNotSupported, AgbInvalidLimit, AgbUnsupportedLanguage, AgbIsolationNotRemote (bad input); remote: AgbConnectionFailed, AgbAuthenticationFailed, AgbApiKeyMissing, AgbInsecureEndpoint, AgbRequestFailed; AgbSandboxUnavailable, AgbKernelStartFailed, AgbRuntimeMissing, AgbTooManySessions, AgbWorkspaceUnavailable (platform).'
        Links       = @('about_AgbCode', 'Invoke-AgbCode', 'Remove-AgbSession')
    }
    'Get-AgbSession'    = @{
        Synopsis    = 'Gets sessions: all of them, or by id, name (wildcards) or labels.'
        Description = @(
            'Get-AgbSession lists the sessions of this process, on every backend it uses. Sessions are process-wide: one made in one runspace is visible from the others.'
            'A name or id without wildcards that matches nothing is a non-terminating ObjectNotFound error; a wildcard that matches nothing returns nothing, as with Get-Process.'
        )
        Parameters  = @{
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080, or the local engine service''s socket, unix:///run/agbcode/engine.sock (no key); without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine: in-process for root, else the local engine service where it is installed and lets you in (about_AgbCode).'
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
            'Sessions are named as Get-AgbSession names them: Remove-AgbSession demo removes the sessions named demo (or the one with that id), and wildcards match ids and names (Remove-AgbSession test-*).'
            'It supports -WhatIf and -Confirm, per session. An id or name without wildcards that names no session is a non-terminating AgbSessionNotFound (ObjectNotFound) error; a wildcard that matches nothing removes nothing, without an error.'
        )
        Parameters  = @{
            Session  = 'Sessions to remove: sessions from New-AgbSession or Get-AgbSession (piped sessions bind here), or their ids or names; wildcards allowed.'
            Id       = 'Ids of sessions to remove. Binds the SessionId property of piped objects.'
            PassThru = 'Writes each removed session to the pipeline.'
            WhatIf   = 'Shows which sessions would be removed without removing them.'
            Confirm  = 'Asks for confirmation before removing each session.'
        }
        Examples    = @(
            @{ Code = 'Remove-AgbSession -Session $s'; Remarks = 'Removes one session.' }
            @{ Code = 'Remove-AgbSession etl'; Remarks = 'Removes the session named etl, as Get-AgbSession etl finds it.' }
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
            'Everything in a result came from the sandbox, so Save-AgbResult treats it as hostile. One call writes at most -MaxFiles files (default 100): when the results would need more, it writes nothing and stops with AgbTooManyFiles, which names the count and the limit; pass a larger -MaxFiles, fewer -Format, or fewer items. PNG and JPEG data must start with the signature of its type: data that does not (or is not base64) is not written, with the non-terminating error AgbInvalidImageData, and the other files are. File names are built from the prefix, the item number and the extension only; a prefix taken from the result (its language) keeps letters, digits, ''.'', ''_'', ''+'' and ''-'' and turns anything else, and a leading ''.'', into ''_'', so no name leaves the folder, is hidden or carries a control character; a -Prefix with other characters is refused (AgbInvalidPrefix).'
            'Saved HTML and SVG are the sandbox''s own content: they can carry script, which a browser runs when you open the file. Open them only as you would open a file from the code''s author, or view them as text.'
        )
        Parameters  = @{
            InputObject = 'A result from Invoke-AgbCode, or items of its Results property.'
            Path        = 'The folder to write to (default: the current location).'
            Format      = 'Which representations to write: Png, Jpeg, Svg, Html, Markdown, Latex, Json, Chart, Text. Default: all but Text.'
            Prefix      = 'File name prefix, instead of <language>-<execution count>-: letters, digits, ''.'', ''_'', ''+'' and ''-'' only, not starting with ''.''.'
            MaxFiles    = 'The most files this call may write (default 100). When the results would need more, nothing is written and the error AgbTooManyFiles says how many; pass the number it names to write them all. Set a default with $PSDefaultParameterValues[''Save-AgbResult:MaxFiles''].'
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
            @{
                Code    = '$r | Save-AgbResult -Path ./frames -Format Png -MaxFiles 500'
                Remarks = 'Saves up to 500 PNG frames of one run; with more, nothing is written and the error says how many there are.'
            }
        )
        Outputs     = 'System.IO.FileInfo'
        Inputs      = 'AgbCode.Core.Results.EnhancedCodeExecutionResult or AgbCode.Core.Results.ExecutionResult, by value'
        Notes       = 'ErrorIds: AgbNotAResult, AgbFileExists, AgbInvalidImageData, AgbFolderUnusable (-Path is a file or cannot be made) (non-terminating); AgbTooManyFiles, AgbInvalidPrefix (terminating, before anything is written). Saved HTML and SVG can carry the sandbox''s script.'
        Links       = @('Invoke-AgbCode')
    }
    'Get-AgbLanguage'   = @{
        Synopsis    = 'Lists the languages with their aliases and file extensions, and whether the backend can run each.'
        Description = @(
            'Get-AgbLanguage shows, for each supported language, the names it accepts, the file extensions Invoke-AgbCode infers it from, and whether the backend has its runtime (with the runtime''s version, or the reason and the package to install).'
            'When the backend cannot say (an endpoint that cannot be reached, a key it refuses), Get-AgbLanguage lists nothing and writes a non-terminating error that names the endpoint, the cause and the fix (e.g. AgbConnectionFailed), so $? is false.'
        )
        Parameters  = @{
            Endpoint    = 'The AGB API endpoint to use (the AGB cloud, or an AgbCode server), e.g. https://agb.example.com or http://127.0.0.1:8080, or the local engine service''s socket, unix:///run/agbcode/engine.sock (no key); without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine: in-process for root, else the local engine service where it is installed and lets you in (about_AgbCode).'
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
    'Get-AgbImage'      = @{
        Synopsis    = 'Lists the packages a code image offers each language, with their versions and where they come from.'
        Description = @(
            'Get-AgbImage writes one object per package of an image: its Language (python, r, javascript or java), Name, Version and Source: debian for the host''s Debian packages, which every image has, or extra for the image''s extra library folder, which an operator prepares (about_AgbCode, ADDING PACKAGES). Python distributions, R packages, Node modules and Java jars are listed; the objects can be filtered, so a script or a Pester test can check for what it needs before it runs code.'
            'The local engine reads its images from AGBCODE_IMAGES_DIR (default /etc/agbcode/images for root, ~/.config/agbcode/images otherwise); an AgbCode server answers for its own images. The AGB cloud has no such call: there Get-AgbImage fails with AgbImagesNotOffered.'
        )
        Parameters  = @{
            Endpoint = 'The AGB API endpoint to use (an AgbCode server), e.g. http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey   = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Name     = 'The images to list (default: agb-code-space-1, the base image); wildcards match the backend''s image names, so -Name * lists every image. An image the backend does not offer is a non-terminating AgbUnknownImage error.'
        }
        Examples    = @(
            @{ Code = 'Get-AgbImage | Where-Object Name -eq pandas'; Remarks = 'Shows whether the base image has pandas, and which version.' }
            @{ Code = 'Get-AgbImage -Name * | Where-Object Source -eq extra'; Remarks = 'Lists what operators added to every image.' }
            @{ Code = 'Get-AgbImage -Name etl | Where-Object Language -eq r | Format-Table Name, Version'; Remarks = 'The R packages of the image etl.' }
        )
        Outputs     = 'AgbCode.Core.Images.ImagePackage'
        Inputs      = 'System.String (image names)'
        Notes       = 'Nothing is run in a sandbox: the packages are read from their own metadata (dist-info METADATA, egg-info PKG-INFO, R DESCRIPTION files, package.json, jar file names). ErrorIds: AgbUnknownImage (bad input), AgbInvalidImage (the image''s folder is unsafe: its owner or mode), AgbImagesNotOffered (the endpoint has no image listing, as the AGB cloud), AgbConnectionFailed, AgbAuthenticationFailed, AgbApiKeyMissing.'
        Links       = @('about_AgbCode', 'New-AgbSession', 'Get-AgbLanguage')
    }
    'Copy-AgbItem'      = @{
        Synopsis    = 'Copies files and folders into a session''s workspace, or out of it, like Copy-Item -ToSession and -FromSession.'
        Description = @(
            'With -ToSession, Copy-AgbItem copies local files and folders into a session; with -FromSession, it copies items from the session to this machine. Paths in a session are relative to its workspace (the kernels'' home and working directory) or absolute as the sandbox sees them, such as /tmp/x. Wildcards in a session path are matched against the session''s listings; names starting with a dot match only a pattern that starts with one.'
            'As with Copy-Item, a destination that is an existing folder receives the items by their own names; otherwise the one item is copied to that name. Folders need -Recurse. Without -Force an existing file is never overwritten: each one is a non-terminating AgbFileExists (local) or AgbItemExists (session) error, and the other items are still copied.'
            'Everything that comes out of a session is treated as hostile: the archive is unpacked on this machine refusing absolute names, "..", names this file system cannot hold, device nodes and FIFOs, links that could lead outside the destination and hard links to anything but a file of the same copy; nothing is written through an existing symbolic link, each file is written under a temporary name and renamed when complete, and the claimed sizes are checked against the free space $env:AGBCODE_MAX_COPY_MB (default 16384) and $env:AGBCODE_MAX_COPY_ITEMS (default 1000000) before anything is written. Each refused item is a non-terminating error naming it; the rest is copied.'
            'Large copies show a progress bar at an interactive console. Inside the session, every file operation runs in the session''s sandbox as its user, and counts against the workspace''s disk limit: a copy that does not fit fails with AgbWorkspaceFull and leaves no partial file.'
        )
        Parameters  = @{
            Path        = 'The items to copy; wildcards allowed. With -ToSession, local paths (relative to the current location); with -FromSession, paths in the session.'
            LiteralPath = 'The items to copy, taken literally (no wildcards). Binds the FullName and PSPath of piped files (for -ToSession) and the SessionPath of items piped from Get-AgbChildItem (for -FromSession).'
            Destination = 'Where to copy to: a path in the session with -ToSession (default: the workspace), a local path with -FromSession (default: the current location).'
            ToSession   = 'The session to copy into: a session object, its id or its name.'
            FromSession = 'The session: a session object, its id or its name. Piped items from Get-AgbChildItem bind it by their SessionId.'
            ToContext   = 'The context to copy into, by name or id (Tab completes local ones): paths in it are relative to its root, or absolute with / meaning its root. The copy runs in a short-lived sandbox that mounts the context, so it is refused (AgbContextInUse) while a session has it mounted; a copy that does not fit its size cap is AgbContextFull. The backend is $env:AGB_ENDPOINT when set, else the local engine.'
            FromContext = 'The context to copy out of, by name or id; paths and backend as with -ToContext.'
            Recurse     = 'Copies folders with everything in them; without it a folder is an AgbFolderNeedsRecurse error.'
            Force       = 'Overwrites existing files at the destination (an existing symbolic link is replaced, never followed).'
            PassThru    = 'Writes what was copied: FileInfo and DirectoryInfo objects for a copy to this machine, workspace items for a copy into a session.'
            WhatIf      = 'Shows what would be copied, and where, without copying.'
            Confirm     = 'Asks for confirmation before copying each item.'
        }
        Examples    = @(
            @{
                Code    = '$s = New-AgbSession -Name etl
Copy-AgbItem -Path ./data/*.csv -Destination input -ToSession $s'
                Remarks = 'Copies the CSV files of a local folder into the folder input of the session''s workspace (made when missing).'
            }
            @{
                Code    = 'Copy-AgbItem -Path out -Destination ./results -FromSession etl -Recurse -Force'
                Remarks = 'Copies the folder out of the session named etl to ./results/out (or to ./results when it does not exist yet), overwriting files from an earlier copy.'
            }
            @{
                Code    = 'Get-AgbChildItem -Session $s -Filter *.png -Recurse | Copy-AgbItem -Destination ./plots -PassThru'
                Remarks = 'Piped workspace items bind -LiteralPath and -FromSession by property name: every PNG in the session comes out, as FileInfo objects.'
            }
            @{
                Code    = 'Get-ChildItem ./config -File | Copy-AgbItem -ToSession $s -Destination config -WhatIf'
                Remarks = 'Piped files bind -LiteralPath by their FullName; -WhatIf shows what would be copied.'
            }
        )
        Outputs     = 'None by default; with -PassThru, System.IO.FileInfo and System.IO.DirectoryInfo (-FromSession) or AgbCode.Core.Files.WorkspaceItem (-ToSession)'
        Inputs      = 'Objects with a FullName, PSPath or SessionPath property (files, workspace items) and a SessionId property, by property name'
        Notes       = @(
            'ErrorIds (public API): AgbCopyDirectionMissing, AgbFolderNeedsRecurse, AgbPathNotFound, AgbItemNotFound, AgbFileExists, AgbItemExists, AgbPathUnreadable, AgbFolderUnusable (the local destination folder is a file or cannot be made); refused archive items: AgbUnsafeName, AgbLinkOutside, AgbUnsupportedItem, AgbDestinationLink, AgbDestinationIsFolder; limits: AgbCopyTooLarge, AgbDiskFull, AgbWorkspaceFull, AgbFileTooLarge; AgbArchiveInvalid.'
        )
        Links       = @('about_AgbCode', 'Get-AgbChildItem', 'Remove-AgbItem', 'Invoke-AgbCode')
    }
    'Get-AgbChildItem'  = @{
        Synopsis    = 'Lists the files and folders in a session''s workspace, like Get-ChildItem.'
        Description = @(
            'Get-AgbChildItem lists the items in a folder of a session (by default its workspace), or the item itself for a file, as AgbCode.Core.Files.WorkspaceItem objects: Name, Path (inside the session), IsDirectory, Length, LastWriteTime, Mode (Unix permission bits), LinkTarget (links are never followed) and SessionId. The table view groups them by folder like Get-ChildItem; names are shown with control characters escaped, because the code in the session chose them.'
            'Hidden items (names starting with a dot, such as the kernels'' .ipython or .cache folders) are left out unless -Force is given. The listing runs inside the session''s sandbox.'
        )
        Parameters  = @{
            Session     = 'The session to list: a session object (also piped), its id or its name.'
            Path        = 'Folders or files in the session to list; wildcards allowed (matched against the listings). Default: the workspace.'
            LiteralPath = 'Folders or files in the session, taken literally (no wildcards).'
            Filter      = 'Only items whose name matches this wildcard, e.g. *.csv.'
            Recurse     = 'Lists everything below the folders too.'
            Force       = 'Includes hidden items (names starting with a dot).'
        }
        Examples    = @(
            @{ Code = 'Get-AgbChildItem -Session $s'; Remarks = 'Lists the workspace, like ls.' }
            @{ Code = 'Get-AgbChildItem -Session $s -Path out -Recurse -Filter *.csv | Measure-Object Length -Sum'; Remarks = 'Adds up the size of the CSV files below out.' }
            @{ Code = 'Get-AgbChildItem -Session $s -Path /tmp'; Remarks = 'Lists the sandbox''s /tmp, which kernels of the session share.' }
        )
        Outputs     = 'AgbCode.Core.Files.WorkspaceItem'
        Inputs      = 'AgbCode.PowerShell.Model.AgbSession by value; objects with a SessionId property by property name'
        Notes       = @('ErrorIds (public API): AgbItemNotFound, AgbPathConflict, AgbSessionClosed.')
        Links       = @('Copy-AgbItem', 'Remove-AgbItem')
    }
    'Remove-AgbItem'    = @{
        Synopsis    = 'Removes files and folders from a session''s workspace, like Remove-Item.'
        Description = @(
            'Remove-AgbItem deletes the items the paths name in a session, inside its sandbox. A folder that is not empty needs -Recurse (otherwise AgbFolderNotEmpty). The workspace itself cannot be removed. It supports -WhatIf and -Confirm (ConfirmImpact Medium, as Remove-Item).'
        )
        Parameters  = @{
            Session     = 'The session: a session object, its id or its name. Piped items from Get-AgbChildItem bind it by their SessionId.'
            Path        = 'Items in the session to remove; wildcards allowed.'
            LiteralPath = 'Items in the session to remove, taken literally. Binds the SessionPath of items piped from Get-AgbChildItem.'
            Recurse     = 'Removes folders with everything in them.'
            WhatIf      = 'Shows what would be removed without removing it.'
            Confirm     = 'Asks for confirmation before removing each item.'
        }
        Examples    = @(
            @{ Code = 'Remove-AgbItem -Session $s -Path out -Recurse'; Remarks = 'Removes the folder out and everything in it.' }
            @{ Code = 'Get-AgbChildItem -Session $s -Filter *.tmp -Recurse | Remove-AgbItem -WhatIf'; Remarks = 'Shows which temporary files would be removed.' }
        )
        Outputs     = 'None'
        Inputs      = 'Objects with SessionPath and SessionId properties (from Get-AgbChildItem), by property name'
        Notes       = @('ErrorIds (public API): AgbItemNotFound, AgbFolderNotEmpty, AgbAccessDenied, AgbSessionClosed.')
        Links       = @('Get-AgbChildItem', 'Copy-AgbItem')
    }
    'New-AgbContext'    = @{
        Synopsis    = 'Makes contexts: named, persistent storage that sessions mount, so files outlive the session that wrote them.'
        Description = @(
            'New-AgbContext makes an empty context on the backend and writes it to the pipeline. A session made with New-AgbSession -Context NAME (or a run with Invoke-AgbCode -Context NAME) mounts it read-write at /contexts/NAME, or at the path given as NAME:/path; what the session writes there is there for the next session that mounts it. Copy-AgbItem -ToContext puts local files into it.'
            'On the local engine a context lives in the engine''s state folder; a root engine gives each its own ext4 volume, capped at $env:AGBCODE_CONTEXT_SIZE_MB (default 1024, fixed when the context is made), a non-root engine a private folder without a cap. A tenant (the engine''s own user, or a server''s API key) keeps at most $env:AGBCODE_CONTEXTS_PER_TENANT contexts (default 20). Against an endpoint, the endpoint''s contexts and limits apply.'
        )
        Parameters  = @{
            Endpoint = 'The AGB API endpoint to use (an AgbCode server), e.g. http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey   = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Name     = 'Names for the new contexts: 1 to 64 letters, digits, ., _ or -, starting with a letter or digit; unique per tenant. Binds piped strings and the Name property of piped objects.'
            WhatIf   = 'Shows which contexts would be made without making them.'
            Confirm  = 'Asks for confirmation before making each context.'
        }
        Examples    = @(
            @{ Code = 'New-AgbContext -Name datasets'; Remarks = 'Makes the context datasets.' }
            @{
                Code    = 'New-AgbContext pip-cache
Invoke-AgbCode -Context pip-cache -Code "import os; print(os.listdir(''/contexts/pip-cache''))" -Language python'
                Remarks = 'Makes a context and lists it from a run''s own session.'
            }
        )
        Outputs     = 'AgbCode.Core.Contexts.ContextInfo'
        Inputs      = 'System.String (names)'
        Notes       = 'ErrorIds: AgbContextExists (the name is taken), AgbBadContextName, AgbContextLimit (the tenant''s cap, or a bad AGBCODE_CONTEXT_SIZE_MB or AGBCODE_CONTEXTS_PER_TENANT), AgbContextsNotOffered (the backend has no contexts).'
        Links       = @('about_AgbCode', 'Get-AgbContext', 'Remove-AgbContext', 'New-AgbSession', 'Copy-AgbItem')
    }
    'Get-AgbContext'    = @{
        Synopsis    = 'Lists contexts, newest first, with who has each mounted.'
        Description = @(
            'Get-AgbContext writes the tenant''s contexts on the backend: Name, Id, State (available, or in-use while a session has it mounted), MountedBy (that session''s id), SizeBytes (its cap; empty where the backend cannot cap it, as a non-root local engine), CreatedAt, LastUsedAt and Location.'
            'Another tenant''s contexts are never listed: on a server, each API key sees its own tenant''s only.'
        )
        Parameters  = @{
            Endpoint = 'The AGB API endpoint to use (an AgbCode server), e.g. http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey   = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Name     = 'Names or ids to show; wildcards allowed (default: all). A plain name that names no context is a non-terminating AgbContextNotFound; a wildcard that matches nothing is no error.'
        }
        Examples    = @(
            @{ Code = 'Get-AgbContext'; Remarks = 'Lists every context.' }
            @{ Code = 'Get-AgbContext -Name data* | Where-Object State -eq available'; Remarks = 'The contexts whose names start with data that no session holds now.' }
        )
        Outputs     = 'AgbCode.Core.Contexts.ContextInfo'
        Inputs      = 'System.String (names), or objects with a Name property'
        Notes       = 'Nothing is run. ErrorIds: AgbContextNotFound, AgbContextsNotOffered, AgbConnectionFailed, AgbAuthenticationFailed.'
        Links       = @('about_AgbCode', 'New-AgbContext', 'Remove-AgbContext')
    }
    'Remove-AgbContext' = @{
        Synopsis    = 'Removes contexts and every file in them.'
        Description = @(
            'Remove-AgbContext deletes the contexts it is given, by name or id or piped from Get-AgbContext, with all their files. It asks first (ConfirmImpact High); pass -Confirm:$false in scripts.'
            'A context that a session has mounted is refused with AgbContextInUse, naming that session: remove the session first. A plain name that names no context is AgbContextNotFound; a wildcard that matches nothing removes nothing, without an error.'
        )
        Parameters  = @{
            Endpoint = 'The AGB API endpoint to use (an AgbCode server), e.g. http://127.0.0.1:8080; without a scheme, https. Default: $env:AGB_ENDPOINT; when neither is set, the local engine.'
            ApiKey   = 'The API key for -Endpoint, as a SecureString (e.g. from Get-Secret or Read-Host -AsSecureString). Default: $env:AGB_API_KEY. It is never sent over plain http except to this machine, and never shown.'
            Name     = 'Names or ids of the contexts to remove; wildcards allowed. Binds piped strings and the Name property of piped contexts.'
            PassThru = 'Writes each removed context to the pipeline.'
            WhatIf   = 'Shows which contexts would be removed without removing them.'
            Confirm  = 'Asks for confirmation before removing each context (the default, ConfirmImpact High).'
        }
        Examples    = @(
            @{ Code = 'Remove-AgbContext -Name scratch -Confirm:$false'; Remarks = 'Removes the context scratch without asking.' }
            @{ Code = 'Get-AgbContext -Name test-* | Remove-AgbContext -WhatIf'; Remarks = 'Shows which test contexts would be removed.' }
        )
        Outputs     = 'None, or AgbCode.Core.Contexts.ContextInfo with -PassThru'
        Inputs      = 'System.String (names), or contexts from Get-AgbContext by their Name'
        Notes       = 'ErrorIds: AgbContextInUse, AgbContextNotFound, AgbContextsNotOffered.'
        Links       = @('about_AgbCode', 'Get-AgbContext', 'New-AgbContext')
    }
}
