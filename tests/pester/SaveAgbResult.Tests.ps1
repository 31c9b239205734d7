#requires -Version 7.4
# Save-AgbResult with results shaped by hostile code: how many files, what is in them, and what they are called.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:s = New-AgbSession -Name "save-result-$PID" -Language python
    $script:Id = ',AgbCode.PowerShell.Cmdlets.SaveAgbResultCommand'
    function Invoke-Display([string] $Code) { Invoke-AgbCode -Session $s -Language py -Code $Code -Quiet }
}

AfterAll {
    Remove-AgbSession -Session $s
}

Describe 'Save-AgbResult bounds what one call writes' {
    BeforeAll {
        $script:many = Invoke-Display "for i in range(150): display({'text/html': f'<p>{i}</p>'}, raw=True)"
    }

    It 'writes nothing when the results need more than -MaxFiles, and names the count and the limit' {
        $folder = Join-Path $TestDrive 'many'
        $failure = { $many | Save-AgbResult -Path $folder } | Should -Throw -ErrorId "AgbTooManyFiles$Id" -PassThru
        $failure.Exception.Message | Should -Match '\b150 files\b.*-MaxFiles \(100\); nothing was written'
        $failure.ErrorDetails.RecommendedAction | Should -Match '-MaxFiles 150'
        Test-Path $folder | Should -BeFalse
    }

    It 'writes them all with a larger -MaxFiles' {
        $files = $many | Save-AgbResult -Path (Join-Path $TestDrive 'all') -MaxFiles 150
        $files.Count | Should -Be 150
        (Get-ChildItem (Join-Path $TestDrive 'all')).Count | Should -Be 150
    }

    It 'refuses a -Path that is a file, and leaves the file as it was' {
        $file = Join-Path $TestDrive 'a-file'
        Set-Content $file 'kept'
        Invoke-Display "display({'text/markdown': 'x'}, raw=True)" | Save-AgbResult -Path $file -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be "AgbFolderUnusable$Id"
        Get-Content $file | Should -Be 'kept'
    }

    It 'counts every result piped into the call' {
        $sixty = Invoke-Display "for i in range(60): display({'text/markdown': str(i)}, raw=True)"
        $folder = Join-Path $TestDrive 'two'
        { $sixty, $sixty | Save-AgbResult -Path $folder -Prefix a- } | Should -Throw -ErrorId "AgbTooManyFiles$Id"
        Test-Path $folder | Should -BeFalse
    }
}

Describe 'Save-AgbResult checks images and names' {
    It 'writes PNG and JPEG data only when it is that kind of image, and the rest of the result' {
        $r = Invoke-Display @'
import base64
b64 = lambda data: base64.b64encode(data).decode()
display({'image/png': b64(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
         'image/jpeg': b64(b'GIF89a....'), 'text/html': '<b>x</b>'}, raw=True)
display({'image/png': b64(b'\x89PNG\r\n\x1a\n' + bytes(16)), 'image/jpeg': b64(b'\xff\xd8\xff\xe0' + bytes(16))}, raw=True)
'@
        $folder = Join-Path $TestDrive 'images'
        $files = $r | Save-AgbResult -Path $folder -ErrorVariable failures -ErrorAction SilentlyContinue
        $n = $r.ExecutionCount
        $files.Name | Should -Be @("python-$n-1.html", "python-$n-2.png", "python-$n-2.jpg")
        $failures.FullyQualifiedErrorId | Should -Be @("AgbInvalidImageData$Id", "AgbInvalidImageData$Id")
        $failures[0].Exception.Message | Should -Match 'not a PNG image \(it starts with 3C737667'
        (Get-ChildItem $folder).Name | Sort-Object | Should -Be (@("python-$n-1.html", "python-$n-2.jpg", "python-$n-2.png") | Sort-Object)
    }

    It 'keeps a name taken from a hostile result inside the folder and free of control characters' {
        $r = Invoke-Display "display({'text/html': '<p>x</p>'}, raw=True)"
        $r.Language = "../../evil`e]0;x`n"
        $folder = Join-Path $TestDrive 'names'
        $file = $r | Save-AgbResult -Path $folder
        $file.DirectoryName | Should -Be $folder
        $file.Name | Should -Be "_._.._evil__0_x_-$($r.ExecutionCount)-1.html"
        (Get-ChildItem $TestDrive -Recurse -File | Where-Object Name -Match 'evil').FullName | Should -Be $file.FullName
    }

    It 'refuses a -Prefix <Case> before writing anything' -ForEach @(
        @{ Case = 'that climbs out of the folder'; Prefix = '../up-' }
        @{ Case = 'with a control character'; Prefix = "a`e[2J-" }
        @{ Case = 'that names a subfolder'; Prefix = 'sub/x-' }
        @{ Case = 'of a hidden file'; Prefix = '.hidden-' }
    ) {
        $r = Invoke-Display "display({'text/html': '<p>x</p>'}, raw=True)"
        $folder = Join-Path $TestDrive 'prefix'
        { $r | Save-AgbResult -Path $folder -Prefix $Prefix } | Should -Throw -ErrorId "AgbInvalidPrefix$Id"
        Test-Path $folder | Should -BeFalse
    }
}
