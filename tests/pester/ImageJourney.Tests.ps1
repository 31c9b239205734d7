#requires -Version 7.4
# The code image as a data script uses it: Get-AgbImage to check for a package first; R with ggplot2 and dplyr on a CSV
# brought in with -InputPath and a plot brought back with -OutputPath; a pandas DataFrame as rows of objects and as an
# HTML table. build.ps1 runs this file a second time against an AgbCode server (AGB_ENDPOINT set): the same journey, remotely.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:report = Join-Path $TestDrive 'report'
    New-Item -ItemType Directory -Path $report | Out-Null
    Set-Content -LiteralPath (Join-Path $report 'servers.csv') -Value "host,cpu,team`nweb1,91.5,web`nweb2,40,web`ndb1,12,data`ndb2,77,data"
    Set-Content -LiteralPath (Join-Path $report 'plot.R') -Value @'
library(ggplot2)
suppressPackageStartupMessages(library(dplyr))
servers <- read.csv("servers.csv")
by_team <- servers %>% group_by(team) %>% summarise(cpu = mean(cpu))
plot <- ggplot(by_team, aes(team, cpu)) + geom_col()
ggsave("cpu-by-team.png", plot, width = 4, height = 3, dpi = 72)
cat(sprintf("%s %.2f\n", by_team$team, by_team$cpu), sep = "")
'@
}

Describe 'The code image' {
    It 'lists the packages a script checks for, by language, with versions' {
        $packages = Get-AgbImage
        $pandas = $packages | Where-Object Name -eq pandas
        $pandas.Language | Should -Be 'python'
        $pandas.Source | Should -Be 'debian'
        $pandas.Version | Should -Match '^\d+\.\d+'
        foreach ($name in 'numpy', 'scipy', 'matplotlib', 'requests', 'openpyxl') {
            $packages | Where-Object { $_.Language -eq 'python' -and $_.Name -eq $name } | Should -Not -BeNullOrEmpty -Because "the image has $name"
        }
        foreach ($name in 'ggplot2', 'dplyr', 'tidyr', 'readr', 'data.table', 'jsonlite') {
            $packages | Where-Object { $_.Language -eq 'r' -and $_.Name -eq $name } | Should -Not -BeNullOrEmpty -Because "the image has $name"
        }
        $packages[0].Image | Should -Be 'agb-code-space-1'
        $packages[0].PSObject.TypeNames[0] | Should -Be 'AgbCode.ImagePackage'
        ($packages | Out-String) | Should -Match 'Image: agb-code-space-1[\s\S]+python\s+pandas\s+\d'
    }

    It 'runs an R script with ggplot2 and dplyr on a CSV passed in, and brings its plot back' {
        $results = Join-Path $TestDrive 'results'
        $r = Invoke-AgbCode -Path (Join-Path $report 'plot.R') -InputPath (Join-Path $report 'servers.csv') -OutputPath $results -Quiet
        $r.Success | Should -BeTrue -Because $r.ErrorMessage
        $r.Stdout | Should -BeExactly "data 44.50`nweb 65.75`n"
        $png = [IO.File]::ReadAllBytes((Join-Path $results 'cpu-by-team.png'))
        $png[1..3] | Should -Be ([byte[]][char[]]'PNG')
    }

    It 'returns a pandas DataFrame as rows of objects, and as an HTML table beside its text' {
        $r = Invoke-AgbCode -Language python -Quiet -Code @'
import pandas as pd
pd.DataFrame({"host": ["web1", "db1"], "cpu": [91.5, 12.0]})
'@
        $r.Success | Should -BeTrue -Because $r.ErrorMessage
        $r.Value.Count | Should -Be 2
        $r.Value[0].host | Should -Be 'web1'
        $r.Value[1].cpu | Should -Be 12
        $main = $r.Results | Where-Object IsMainResult
        $main.Html | Should -Match '<table'
        $main.Text | Should -Match 'web1\s+91\.5'
    }

    It 'refuses an image the backend does not offer, naming the ones it does' {
        { New-AgbSession -Image agb-browser-use-1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgbUnknownImage,AgbCode.PowerShell.Cmdlets.NewAgbSessionCommand' -ExpectedMessage '*agb-code-space-1, agb-code-space-2*'
        Get-AgbImage -Name agb-browser-use-1 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'AgbUnknownImage,AgbCode.PowerShell.Cmdlets.GetAgbImageCommand'
        Get-AgbImage -Name 'agb-code-space-*' | Select-Object -ExpandProperty Image -Unique | Should -Be @('agb-code-space-1', 'agb-code-space-2')
    }

    It 'completes image names' {
        (TabExpansion2 'New-AgbSession -Image agb-code').CompletionMatches.CompletionText | Should -Be @('agb-code-space-1', 'agb-code-space-2')
        (TabExpansion2 'Get-AgbImage -Name agb-code-space-2').CompletionMatches.CompletionText | Should -Be @('agb-code-space-2')
    }
}

Describe 'The image package list' -Tag Local {
    It 'is the one Bootstrap installs and docs/image.md describes, with the runtimes the drivers need' {
        $listed = @(Get-Content (Join-Path $PSScriptRoot '../../build/image-packages.txt') | ForEach-Object { ($_ -replace '#.*$').Trim() } | Where-Object { $_ })
        foreach ($needed in 'nodejs', 'npm', 'openjdk-17-jdk-headless', 'python3-pandas', 'r-cran-ggplot2', 'systemd', 'procps', 'haproxy') { $listed | Should -Contain $needed }
        Get-Content (Join-Path $PSScriptRoot '../../build.ps1') -Raw | Should -Match ([regex]::Escape("'build/image-packages.txt'"))
        $doc = Get-Content (Join-Path $PSScriptRoot '../../docs/image.md') -Raw
        $doc | Should -Match ([regex]::Escape('build/image-packages.txt'))
        $doc | Should -Not -Match 'MINBASE_|IMAGE_TIME|COST_'   # the measured cost is filled in
    }
}

Describe 'The prerequisites check' -Tag Local {
    BeforeAll {
        # build.ps1's own functions, taken from its syntax tree (running it would run a task)
        $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $PSScriptRoot '../../build.ps1'), [ref]$null, [ref]$null)
        $script:functions = @{}
        foreach ($function in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false)) {
            $script:functions[$function.Name] = $function
        }
        foreach ($name in 'Get-ImagePackage', 'Get-MissingDebianPackage', 'Get-PrerequisiteInstall', 'Assert-Prerequisite') {
            . ([scriptblock]::Create($script:functions[$name].Extent.Text))
        }
    }

    It 'fails a test run on a host that lacks a listed package, naming the apt-get command' {
        $imagePackagesFile = Join-Path $TestDrive 'packages.txt'
        Set-Content $imagePackagesFile "bubblewrap`nagbcode-no-such-package # for the test"
        { Assert-Prerequisite } | Should -Throw '*apt-get update && sudo apt-get * --no-install-recommends agbcode-no-such-package'
    }

    It 'passes on this host, which has the whole list' {
        $imagePackagesFile = Join-Path $PSScriptRoot '../../build/image-packages.txt'
        { Assert-Prerequisite } | Should -Not -Throw
    }

    It 'runs before anything else in the Test task' {
        $script:functions['Invoke-Test'].Body.EndBlock.Statements[0].Extent.Text | Should -Be 'Assert-Prerequisite'
    }
}
