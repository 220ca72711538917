; Inno Setup script of the counter app for Windows (https://jrsoftware.org/isinfo.php).
; Build the frozen folder first (docs/install-windows.md), then:  iscc packaging\windows\motcua.iss
; It installs dist\counter-app\ into Program Files, adds Start-menu shortcuts for the counter,
; the kiosk and the hall display, and, when chosen, starts the kiosk or the display at logon.

#define AppName "Mot cua - Phan mem Bo phan Mot cua"
#define AppVersion "0.1.0"
#define AppExe "counter-app.exe"

[Setup]
AppId={{6C0B7E9A-4F41-4C77-9B9E-3B7B1F0D6A21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Mot cua
DefaultDirName={autopf}\MotCua
DefaultGroupName=Mot cua
OutputDir=..\..\dist\installer
OutputBaseFilename=motcua-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
; The data (the store, backups, logs) lives in each user's AppData, never in Program Files,
; so an upgrade or an uninstall leaves every dossier in place.
UninstallDisplayIcon={app}\{#AppExe}

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "autostart_kiosk"; Description: "Start the ticket kiosk at logon (kiosk PC)"; GroupDescription: "This PC:"; Flags: unchecked exclusive
Name: "autostart_display"; Description: "Start the hall display at logon (TV PC)"; GroupDescription: "This PC:"; Flags: unchecked exclusive
Name: "desktopicon"; Description: "Desktop shortcut for the counter"; GroupDescription: "Shortcuts:"

[Files]
Source: "..\..\dist\counter-app\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Mot cua - Quay tiep nhan"; Filename: "{app}\{#AppExe}"
Name: "{group}\Mot cua - May lay so (kiosk)"; Filename: "{app}\{#AppExe}"; Parameters: "--kiosk"
Name: "{group}\Mot cua - Man hinh goi so"; Filename: "{app}\{#AppExe}"; Parameters: "--display"
Name: "{group}\Mot cua - Dong bo ngay"; Filename: "{app}\{#AppExe}"; Parameters: "sync"
Name: "{autodesktop}\Mot cua"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon
Name: "{commonstartup}\Mot cua - May lay so"; Filename: "{app}\{#AppExe}"; Parameters: "--kiosk"; Tasks: autostart_kiosk
Name: "{commonstartup}\Mot cua - Man hinh goi so"; Filename: "{app}\{#AppExe}"; Parameters: "--display"; Tasks: autostart_display

[Run]
; A nightly headless sync as a scheduled task (the app also syncs while it runs).
Filename: "schtasks"; Parameters: "/Create /F /SC DAILY /ST 18:30 /TN ""MotCua Sync"" /TR ""'{app}\{#AppExe}' sync"""; Flags: runhidden
Filename: "{app}\{#AppExe}"; Description: "Open the counter now"; Flags: postinstall nowait skipifsilent

[UninstallRun]
Filename: "schtasks"; Parameters: "/Delete /F /TN ""MotCua Sync"""; Flags: runhidden; RunOnceId: "DelSyncTask"
