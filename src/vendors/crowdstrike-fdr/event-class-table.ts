// Elastic's fdr `categorize` table as data: every event_simpleName it knows, with the event.category/type/kind/outcome it assigns.

/*
 * Source: elastic/integrations, packages/crowdstrike/data_stream/fdr/elasticsearch/ingest_pipeline/
 * categorize.yml (read at commit 0a4de859b85e, 773 names). Data only; event-categories.ts reads it.
 * One entry per class: `'categories types kind outcome'` (lists comma-separated, in Elastic's order;
 * `-` where Elastic sets no outcome), then the names of that class, space-separated. To follow an
 * upstream change, move or add the name under its class.
 */
export const EVENT_CLASS_TABLE: readonly (readonly [string, string])[] = [
  ['api start event unknown', 'ActiveDirectoryIncomingDceRpcEpmRequest ActiveDirectoryIncomingDceRpcRequest'],
  ['authentication end event success', 'UserLogoff'],
  ['authentication start event failure', 'ActiveDirectoryAuthenticationFailure UserLogonFailed UserLogonFailed2'],
  ['authentication start event success', 'ActiveDirectoryAuthentication ActiveDirectoryInteractiveDomainLogon UserLogon'],
  ['authentication start event unknown', 'SudoCommandAttempt'],
  ['authentication,iam info event unknown', 'ActiveDirectoryAuditPasswordModificationAttempt'],
  ['authentication,iam info,user event success', 'UserIdentity'],
  ['authentication,malware info alert unknown', 'ZerologonExploitAttempt'],
  ['authentication,network info alert unknown', 'SmbClientShareLogonBruteForceSuspected'],
  ['authentication,network info event unknown', 'SmbClientShareLogonBruteForceLowThreshold'],
  ['authentication,network start event success', 'SSHClientAuthenticated'],
  ['configuration change event -', 'SensorSettingsUpdate'],
  [
    'configuration change event success',
    'BehaviorWhitelisted ConfigStateUpdate FirewallDeleteRule FirewallDeleteRuleIP4 FirewallDeleteRuleIP6 FirewallSetRule ' +
      'FirewallSetRuleIP4 FirewallSetRuleIP6 NetShareSecurityModify ScheduledTaskModified SensorGroupingTagsUpdate ' +
      'SystemdServicePropertiesChanged SystemdTimerPropertiesChanged TccModification UserFontLoad WfpFilterTamperingFilterAdded ' +
      'WfpFilterTamperingFilterDeleted WmiFilterConsumerBindingEtw WmiProviderRegistrationEtw',
  ],
  [
    'configuration change event unknown',
    'AspmCollectionStatusUpdate CommsLogReset ConfigurationProfileModified ProvisioningStatusUpdate ' +
      'RecoveryActionManipulateModuleTableComplete SensorMetadataUpdate',
  ],
  ['configuration change,info event success', 'DetectionExcluded'],
  [
    'configuration creation event success',
    'OciContainerStarted ScheduledTaskRegistered SyntheticSystemdServiceCreated SyntheticSystemdTimerCreated ' +
      'SystemdServiceCreated SystemdTimerCreated WSLDistributionRegistered',
  ],
  ['configuration creation event unknown', 'LoginItemAdded'],
  ['configuration deletion alert success', 'EventLogCleared'],
  [
    'configuration deletion event success',
    'OciContainerStopped ScheduledTaskDeleted SystemdServiceDeleted SystemdTimerDeleted WSLDistributionUnregistered',
  ],
  ['configuration deletion event unknown', 'RemediationActionScheduledTaskRemoval RemediationActionServiceRemoval'],
  [
    'configuration info asset -',
    'AwsEc2Image AwsEc2Volume AwsIamAccountAlias AzureDisk AzureResourceGroup AzureSubscription GcpAsset GcpComputeDisk ' +
      'GcpComputeImage GcpIamServiceAccount GcpProject',
  ],
  ['configuration info event failure', 'CidMigrationError PatternHandlingError StaticConfigurationError'],
  [
    'configuration info event success',
    'AgenticSessionEnd AgenticSessionStart AgenticSubagentStart CidMigrationComplete DataProtectionBrowserConnect EddScanStart ' +
      'OdsScheduleCanceled OdsStarted',
  ],
  [
    'configuration info event unknown',
    'AgenticToolRequest AgenticUserPromptSubmit AiAgentClassifyChildTelemetry AiAgentClassifyRootTelemetry BMLFeatureData ' +
      'ChannelVersionRequired CidMigrationConfirmation ConfigurationProvisioningState DBusMessage DataProtectionPACDiagnostic ' +
      'DeliverRulesEngineResultsToCloud FirmwareRegionMeasured IBEBChannelFileEnforcementResponse IdpCloudHealthCheck ' +
      'IdpCloudHealthConfigurationsGetResponse IdpCloudHealthConfigurationsSetResponse IdpCloudHealthStatus ' +
      'IdpConnectionsOverloadNotification IdpContainerRestarted IdpDcPerfReport IdpDcTiConfiguration IdpIdaasCorrelate ' +
      'IdpPacketDiversionConnectionsOverloadNotification IdpPacketDiversionLdapsConnectionsOverloadNotification ' +
      'IdpPolicyAccessRuleMatch IdpTelemetryData IdpWatchdogConfigurationsGetResponse IdpWatchdogConfigurationsSetResponse ' +
      'IdpWatchdogReEnabled IdpWatchdogRemediationActionRequest IdpWatchdogRemediationActionTaken ' +
      'IdpWatchdogRemediationActionTakenForCpu IdpWatchdogRemediationActionTakenForMemory OdsActionStatus ' +
      'OdsCancelRequestReceived OdsProfileReceived OdsScheduleCancelRequestReceived OdsScheduleRequestReceived ' +
      'OdsStartRequestReceived OdsStatus PacketDiversionConnectionsOverloadConfigurationResponse ' +
      'ProvisioningChannelVersionRequired ProvisioningEnded ProvisioningStarted PtTelemetry ' +
      'RecoveryActionGetModuleTableRecordComplete RecoveryActionGetRuntimeSystemTagsComplete RecoveryActionGetSystemTagsComplete ' +
      'RecoveryActionSetRuntimeSystemTagsComplete RecoveryActionSetSystemTagsComplete RemediationMonitorScheduledTaskRemoval ' +
      'RemediationMonitorServiceRemoval RemoteCommandResponse ScheduledTaskTemplateDetectInfo SensorEnteredSafemode ' +
      'SensorSelfDiagnosticAlert SensorSelfDiagnosticTelemetry SensorTampering SpotlightEntityBatch SpotlightEntityBatchHeader ' +
      'SpotlightEntitySystemState StaticAnalysisContainerTelemetry SuspiciousUserFontLoad WmiQueryDetectInfo',
  ],
  ['configuration info state -', 'SensorAntiTamperState ServicesStatusInfo'],
  ['configuration info state success', 'MemoryScanEnabled'],
  [
    'configuration info state unknown',
    'BrowserExtensionStatus EddScanStatus LogCollectorDeploymentStatus OciContainerComplianceInfo OciContainerEngineInfo ' +
      'OciContainerHeartbeat OciContainerInfo OciContainerPlumbingSummary OciImageHeartbeat OciImageInfo PodInfo PodProductConfig ' +
      'WSLMetadata',
  ],
  ['configuration,file change,creation event success', 'ManifestDownloadComplete'],
  ['configuration,file info state unknown', 'AsepFileChangeScanInfo'],
  [
    'configuration,host change event success',
    'CriticalEnvironmentVariableChanged FirewallChangeOption FirewallDisabled FirewallEnabled RemovableDiskModuleLoadAttempt ' +
      'RemovableMediaVolumeMounted',
  ],
  ['configuration,host change state success', 'LocalIpAddressIP4 LocalIpAddressIP6 LocalIpAddressRemovedIP4 LocalIpAddressRemovedIP6'],
  ['configuration,host info state unknown', 'SysConfigInfo'],
  ['configuration,iam access event unknown', 'DCSyncAttempted'],
  ['configuration,iam change event success', 'ActiveDirectoryAuditGpoModified UserAccountRemovedFromGroup'],
  [
    'configuration,iam change,group event success',
    'ActiveDirectoryAuditGroupMemberModified ActiveDirectoryAuditGroupModified UserAccountAddedToGroup',
  ],
  ['configuration,iam change,user event success', 'ActiveDirectoryAuditUserModified'],
  ['configuration,iam creation event success', 'UserAccountCreated'],
  ['configuration,iam creation,group event success', 'UserGroupCreated'],
  ['configuration,iam deletion event success', 'UserAccountDeleted'],
  ['configuration,iam deletion,group event success', 'UserGroupDeleted'],
  ['configuration,network change,info event success', 'PacketFilterAttached'],
  ['configuration,package,host change,installation,start state success', 'AgentOnline'],
  ['database access event failure', 'ActiveDirectoryServiceAccessRequestFailure'],
  ['database access event success', 'ActiveDirectoryServiceAccessRequest'],
  ['database access event unknown', 'ActiveDirectoryIncomingLdapSearchRequest'],
  ['driver change event unknown', 'DcUsbDeviceWhitelisted'],
  ['driver end event success', 'AccessoryDisconnected KextUnload'],
  ['driver end event unknown', 'DcBluetoothDeviceDisconnected DcRemovableStorageDeviceDisconnected DcUsbDeviceDisconnected'],
  ['driver info event failure', 'DriverPreventFailed'],
  ['driver info event success', 'DcIdentification'],
  [
    'driver info event unknown',
    'DcBluetoothAuthorizationStatus DcBluetoothDeviceBlocked DcBluetoothDeviceConnectedDetails DcBluetoothDevicePolicyViolation ' +
      'DcRemovableStorageDeviceBlocked DcRemovableStorageDevicePolicyViolation DcUsbConfigurationDescriptor DcUsbDeviceBlocked ' +
      'DcUsbDevicePolicyViolation DcUsbEndpointDescriptor DcUsbHIDDescriptor DcUsbInterfaceDescriptor DriverLoadBlocked',
  ],
  ['driver info state unknown', 'DcBluetoothDeviceProperties DriverPreventionStatus'],
  ['driver start event success', 'AccessoryConnected DriverLoad KernelModeLoadImage KextLoad'],
  [
    'driver start event unknown',
    'DcBluetoothDeviceConnected DcRemovableStorageDeviceConnected DcUsbDeviceConnected DriverLoadedV2DetectInfo ' + 'KernelModeExecImage',
  ],
  ['driver,malware change alert unknown', 'HookedDriverObject'],
  ['driver,malware info alert unknown', 'VulnerableDriverDetectInfo'],
  ['email info event unknown', 'SmtpEmailMessage'],
  ['email,file info event unknown', 'SmtpAttachment'],
  ['email,network protocol,info event unknown', 'ImapCommand Pop3Command SmtpCommand'],
  ['file access alert success', 'CriticalFileAccessed RansomwareFileAccessPattern'],
  ['file access alert unknown', 'PathUnexpectedlyReadable'],
  [
    'file access event success',
    'FileOpenInfo FsPostOpenSnapshotFile RansomwareOpenFile SuspiciousRawDiskRead SuspiciousRawDiskReadFromUnsignedModule',
  ],
  ['file access event unknown', 'ClassifiedSensitiveFileAccess ExcelDocumentOpened FsPostOpen'],
  ['file change alert success', 'CriticalFileModified'],
  ['file change alert unknown', 'QuarantinedFile SystemPartitionAltered'],
  ['file change event failure', 'LfoUploadDataFailed LfoUploadDataUnneeded'],
  [
    'file change event success',
    'FileContentsChanged FileRenameInfo FileSetMode FileTimestampsModified LfoUploadDataComplete NewExecutableRenamed ' +
      'RansomwareRenameFile',
  ],
  ['file change event unknown', 'AsepFileChangeDetectInfo FileExtendedAttrOperation ModifyServiceBinary'],
  ['file change,creation event success', 'MachOFileWritten'],
  ['file change,deletion event failure', 'FileSystemOperationBlocked'],
  ['file change,deletion event unknown', 'FileSystemOperationDetectInfo'],
  ['file creation alert success', 'QueueApcEtw'],
  ['file creation alert unknown', 'FileDetectInfo'],
  [
    'file creation event success',
    'AppleScriptFileWritten ArcFileWritten AsifFileWritten BZip2FileWritten BlfFileWritten BmpFileWritten CabFileWritten ' +
      'CrxFileWritten DebFileWritten DirectoryCreate DmgFileWritten DmpFileWritten DwgFileWritten ELFFileWritten EmailFileWritten ' +
      'EseFileWritten FileCreateInfo FileWrittenWithEntropyHigh GenericFileWritten GifFileWritten GzipFileWritten ' +
      'ImgExtensionFileWritten InstallBundleDownloadComplete InstallServiceDownloadComplete JarFileWritten JavaClassFileWritten ' +
      'JpegFileWritten LFODownloadConfirmation LZipFileWritten LnkFileWritten LzfseFileWritten LzmaFileWritten MSDocxFileWritten ' +
      'MSPptxFileWritten MSXlsxFileWritten MotwWritten MsiFileWritten NewExecutableWritten NewScriptWritten OleFileWritten ' +
      'OoxmlFileWritten PackageManagerDownloadComplete PackedExecutableWritten PdfFileWritten PeFileWritten PemFileWritten ' +
      'PngFileWritten PtyCreated PythonFileWritten RansomwareCreateFile RarFileWritten RtfFileWritten ScriptFileWrittenInfo ' +
      'SevenZipFileWritten TarFileWritten TiffFileWritten UpdateManifestDownloadComplete VolumeSnapshotCreated ' +
      'WebScriptFileWritten XarFileWritten XzFileWritten ZipFileWritten ZstdFileWritten',
  ],
  ['file creation event unknown', 'FsPostCreate NtfsLinkCreatedDetectInfo PeFileWrittenDetectInfo'],
  ['file creation,change event success', 'AsepFileChange'],
  ['file creation,info alert success', 'SuspiciousCreateSymbolicLink'],
  ['file deletion event success', 'ExecutableDeleted FileDeleteInfo FileDeleted VolumeSnapshotDeleted'],
  [
    'file deletion event unknown',
    'RecoveryActionDeleteFilesComplete RecoveryActionDeleteFilesReply RemediationActionQuarantineFile ' +
      'RemediationActionQuarantineMacroFile RemediationActionQuarantineOfficeMacroFile',
  ],
  ['file info alert unknown', 'DataEgress QuarantineActionResult QuarantinedFileState UnexpectedFileFound'],
  ['file info event success', 'MountedVolume PeVersionInfo'],
  [
    'file info event unknown',
    'ArchiveFileContent ChannelDataDownloadComplete ConfigDownloadComplete DataEgressEnriched DataProtectionArchiveAssessed ' +
      'DeliverLocalFXToCloud ECBDownloadComplete FileInfo FileOfInterestBasicInfo FsVolumeReadInfo LFODownloadComplete ' +
      'LfoUploadStart MachOHeaderParsed MacroContentInfo MacroDetectInfo ModuleCertificateInfo2 ModuleDownloadComplete ' +
      'OsfmDownloadComplete RemediationMonitorQuarantineFile ScriptFileContentsDetectInfo SystemUpdatesBlockedByFilesystem ' +
      'VolumeSnapshotOperationBlocked',
  ],
  ['file info state failure', 'SignInfoError'],
  [
    'file info state unknown',
    'FileStatFsInfo FileSystemAttributesStatus FileSystemContainmentStatus SignInfo SignInfoWithCertAndContext ' +
      'SignInfoWithContext SigningIdentity SigningPublicKey',
  ],
  ['file,configuration info event unknown', 'CidMigrationManifestDownloadComplete DataProtectionDataEncryption'],
  ['file,malware change alert unknown', 'CodeSigningAltered MbrOverwriteRawDetectInfo'],
  ['file,malware creation,info alert unknown', 'CustomIOAFileWrittenDetectionInfoEvent'],
  ['file,malware info alert unknown', 'FalconHostFileTamperingInfo NtfsQueryEaExploitAttempt ScriptControlDetectInvalidInfo'],
  ['file,network access alert unknown', 'DirectoryTraversalOverSMB'],
  ['file,network access event unknown', 'FileAccessOperationOverSMB'],
  ['file,process access event unknown', 'FsPostOpenUpImpersonating'],
  ['file,process creation,start event success', 'FileWrittenAndExecutedInContainer'],
  ['file,process start event success', 'RecentlyModifiedFileExecutedInContainer'],
  [
    'host change event success',
    'CreateService FsVolumeMounted FsVolumeUnmounted HostTimeModified HostnameChanged NetShareAdd NetShareDelete',
  ],
  ['host change state success', 'PromiscuousBindIP4'],
  ['host info event failure', 'CrashNotification CsKmCrashSummaryEvent'],
  ['host info event success', 'HostInfo OsVersionInfo'],
  ['host info event unknown', 'BootLoopProtectionTelemetry EtwComponentResponse ResourceLimit TcgPcrInfo'],
  ['host info state failure', 'FirmwareAnalysisErrorEvent'],
  [
    'host info state success',
    'AmsiRegistrationStatus CurrentSystemTags FirmwareAnalysisHardwareData FirmwareAnalysisStatus SystemCapacity ' +
      'TelemetryCounters2 TelemetryStats',
  ],
  [
    'host info state unknown',
    'AdditionalHostInfo BillingInfo ChannelActive DiskCapacity DiskUtilization FileVaultStatus FirmwareImageAnalyzed ' +
      'InstanceMetadata LightningUnresponsiveStatus OciContainerTelemetry PtActivationStatus ResourceUtilization UnixName ' +
      'XumdStatus',
  ],
  ['host,configuration change event success', 'NamespaceChanged RegisterRawInputDevicesEtw SetWinEventHookEtw SnapshotVolumeMounted'],
  ['host,configuration info asset -', 'AwsEc2Instance AzureVirtualMachine AzureVirtualMachineState GcpComputeInstance'],
  ['host,network info state unknown', 'NeighborListIP4 NeighborListIP6'],
  ['host,package change,installation event success', 'InstalledUpdates'],
  [
    'iam change event success',
    'ActiveDirectoryAccountDepartmentUpdate ActiveDirectoryAccountDisabled ActiveDirectoryAccountEnabled ' +
      'ActiveDirectoryAccountLocked ActiveDirectoryAccountNameUpdate ActiveDirectoryAccountOuUpdate ' +
      'ActiveDirectoryAccountPasswordUpdate ActiveDirectoryAccountUnlocked',
  ],
  [
    'iam change,group event success',
    'ActiveDirectoryAccountDirectContainingGroupEntitiesUpdate ActiveDirectoryAccountFlattenedContainingGroupEntitiesUpdate',
  ],
  ['iam change,group event unknown', 'OpenDirectoryGroupAdd OpenDirectoryGroupRemove OpenDirectoryGroupSet'],
  [
    'iam change,user event unknown',
    'LocalWindowsUserUpdate OpenDirectoryAttributeAdd OpenDirectoryAttributeRemove OpenDirectoryAttributeSet ' +
      'OpenDirectoryPasswordModification',
  ],
  ['iam creation event success', 'ActiveDirectoryAccountCreated'],
  ['iam creation,user event unknown', 'OpenDirectoryCreateUser'],
  ['iam deletion,user event unknown', 'OpenDirectoryDeleteUser'],
  ['iam group,info event unknown', 'GroupIdentity'],
  ['iam info event success', 'DcOffline DcOnline'],
  ['iam info state success', 'DcStatus'],
  ['iam info,user event unknown', 'UserInformationEtw'],
  ['iam,process change event unknown', 'ProcessSubstituteUser'],
  ['library start alert unknown', 'LowILModuleLoadAttempt UnexpectedDynamicLibraryLoaded'],
  ['library start event -', 'ClassifiedModuleLoad ReflectiveDotnetModuleLoad'],
  ['library start event success', 'ImageHash LoadImage SharedObjectLoaded SyntheticSharedObjectLoaded UnsignedModuleLoad'],
  ['library start event unknown', 'DotnetModuleLoadDetectInfo ModuleLoadV3DetectInfo'],
  ['library,malware start alert success', 'ReflectiveDllLoaded SuspiciousCredentialModuleLoad'],
  ['library,network start alert unknown', 'NetworkModuleLoadAttempt'],
  ['malware deletion alert success', 'CloudAssociateTreeIdWithRoot'],
  ['malware info alert success', 'AssociateTreeIdWithRoot DetectAnalysis'],
  [
    'malware info alert unknown',
    'CSAResultsGenericDetectInfo CustomIOABasicProcessDetectionInfoEvent CustomIOADomainNameDetectionInfoEvent',
  ],
  ['malware info event unknown', 'EarlyExploitPivotDetect'],
  ['malware,authentication info alert success', 'RemoteBruteForceDetectInfo'],
  ['malware,file creation,info alert success', 'SuspiciousEseFileWritten SuspiciousPeFileWritten'],
  ['malware,file info alert failure', 'ScriptControlErrorEvent'],
  ['malware,file info alert success', 'OdsMaliciousFileFound ScriptControlBlocked ScriptControlDetectInfo'],
  ['malware,file info alert unknown', 'XProtectAction'],
  ['malware,file info state success', 'ScriptControlScanInfo ScriptControlScanTelemetry'],
  ['malware,process info alert success', 'SuspiciousUserRemoteAPCAttempt'],
  ['malware,process info,access alert -', 'FalconProcessHandleOpDetectInfo'],
  ['malware,registry,configuration change,info alert success', 'SuspiciousRegAsepUpdate'],
  ['network allowed,access,connection event unknown', 'NetworkReceiveAcceptIP4 NetworkReceiveAcceptIP6'],
  ['network connection event success', 'NetworkContainmentCompleted NetworkUncontainmentCompleted SmbClientNamedPipeConnectEtw'],
  ['network connection state success', 'TelemetryNetworkConnections'],
  ['network connection state unknown', 'SmbServerV1AuditEtw'],
  ['network connection,denied event unknown', 'NetworkConnectIP4Blocked NetworkConnectIP6Blocked'],
  ['network connection,end event success', 'SmbClientShareClosedEtw WiFiDisconnect'],
  ['network connection,info event unknown', 'NetworkConnectIP4DetectInfo NetworkConnectIP6DetectInfo PromiscuousBindIP6'],
  ['network connection,protocol event unknown', 'AppProtocolDetected TlsClientHello'],
  [
    'network connection,start event success',
    'SmbClientShareOpenedEtw SmbServerLocalNamedPipeOpenedEtw SmbServerShareOpenedEtw WiFiConnect',
  ],
  ['network denied event unknown', 'SystemUpdatesBlockedByDNS'],
  ['network end event unknown', 'RemediationActionKillIP4Connection RemediationActionKillIP6Connection'],
  ['network end,connection event unknown', 'NetworkCloseIP4 NetworkCloseIP6'],
  ['network info event success', 'FirewallRuleIP4Matched FirewallRuleIP6Matched'],
  [
    'network info event unknown',
    'DNSRequestDetectInfo InternetExposureData NamedPipeDetectInfo NetworkOutboundPortScanDetectInfo NetworkSummary',
  ],
  ['network protocol event success', 'DnsRequest'],
  ['network protocol,denied event unknown', 'DnsRequestBlocked'],
  ['network protocol,info event unknown', 'DnsRequestResult FtpCommand NetworkIcmpDataIP4 NetworkIcmpDataIP6 SecureTrafficDecrypted'],
  ['network start event success', 'NetworkListenIP4 NetworkListenIP6'],
  ['network start,connection event success', 'CreateSocket RawBindIP4 RawBindIP6'],
  ['network start,connection event unknown', 'NetworkConnectIP4 NetworkConnectIP6'],
  ['network start,protocol alert success', 'SuspiciousDnsRequest'],
  [
    'network,configuration info asset -',
    'AwsEc2NetworkAcl AwsEc2NetworkAclEntry AwsEc2NetworkInterface AwsEc2NetworkInterfacePrivateIP AwsEc2SecurityGroup ' +
      'AwsEc2SecurityGroupRule AwsEc2Subnet AwsEc2Vpc AzureApplicationFirewallRule AzureFirewall AzureFirewallRuleCollection ' +
      'AzureIpConfiguration AzureNatFirewallRule AzureNetworkFirewallRule AzureNetworkInterface AzureNetworkSecurityGroup ' +
      'AzureNetworkSecurityGroupRule AzurePrivateEndpoint AzurePublicIpAddress AzureSubnet AzureVirtualNetwork ' +
      'AzureVirtualNetworkPeering GcpComputeFirewall GcpComputeNetwork GcpComputeNetworkInterface GcpComputeNetworkPeering ' +
      'GcpComputeSubnetwork',
  ],
  ['network,configuration info event failure', 'FirewallRuleApplicationFailed'],
  ['network,configuration info event success', 'NetworkLinkConfigGetAddress NetworkLinkConfigGetLink'],
  ['network,file connection,creation event success', 'BITSJobCreated'],
  ['network,malware connection,info alert unknown', 'CustomIOANetworkConnectionDetectionInfoEvent'],
  ['network,malware info alert unknown', 'CertificatePinningCompromised DnsServerSigRedExploitAttemptEtw'],
  ['network,session connection,info event success', 'AgentConnect'],
  ['network,session connection,start event success', 'HttpRequestDetect'],
  ['network,web access,connection event unknown', 'HttpRequest HttpRequestV2Detect HttpResponse'],
  ['network,web denied event unknown', 'SystemUpdatesBlockedByHTTP'],
  ['network,web info state unknown', 'InboundHttpParsingStatus'],
  ['network,web protocol,info event unknown', 'InboundHttpHeader'],
  ['package change event success', 'IOServiceRegister'],
  ['package deletion state success', 'AcUninstallConfirmation AcUnloadConfirmation'],
  ['package info event failure', 'ErrorEvent UmppaErrorEvent'],
  ['package info event success', 'SensorHeartbeat'],
  ['package info state unknown', 'FalconServiceStatus'],
  ['package installation event -', 'InstalledBrowserExtension'],
  ['package installation event success', 'InstalledApplication'],
  ['package installation event unknown', 'MsiTransactionExecuted'],
  ['package,host info event failure', 'EtwErrorEvent'],
  ['process access alert failure', 'ProcessBlocked'],
  ['process access alert success', 'PrivilegedProcessHandleFromUnsignedModule ReflectiveDllOpenProcess WroteExeAndGeneratedServiceEvent'],
  ['process access alert unknown', 'RemoteProcessMemoryRead'],
  ['process access event success', 'ScreenshotTakenEtw'],
  ['process access event unknown', 'PrivilegedProcessHandle UserEatAccessMonitoring'],
  ['process access,change event success', 'BrowserInjectedThread DocumentProgramInjectedThread'],
  ['process change alert success', 'InjectedThreadFromUnsignedModule'],
  ['process change alert unknown', 'LsassHandleFromUnsignedModule RemoteProcessMemoryWrite'],
  [
    'process change event success',
    'CreateThreadReflectiveDll DllInjection InjectedThread JavaInjectedThread ProcessInjection ThreadBlocked',
  ],
  [
    'process change event unknown',
    'KernelCallbackTableUpdate ProcessHandleOpDowngraded ProtectVmEtw SetThreadCtxEtw UserSetProcessBreakOnTermination',
  ],
  ['process end event failure', 'CsUmProcessCrashSummaryEvent KillProcessError SuspendProcessError'],
  [
    'process end event success',
    'AbnormalTerminationNotification EndOfProcess HostedServiceStopped ProcessSelfDeleted PtyDetached ServiceStopped ' +
      'TerminateProcess TerminateRemoteProcessEtw WSLDistributionStopping WSLVMStopping',
  ],
  [
    'process end event unknown',
    'NamedMutantHandleClosedTelemetry NamedSemaphoreHandleClosedTelemetry RecoveryActionKillProcessesComplete ' +
      'RecoveryActionKillProcessesReply RemediationActionKillProcess',
  ],
  ['process end,info event success', 'CommandHistory'],
  ['process end,info event unknown', 'ProcessActivitySummary'],
  ['process info alert unknown', 'UnexpectedEnvironmentVariable'],
  ['process info event -', 'SuspiciousPrivilegedProcessHandle'],
  ['process info event failure', 'BlockThreadFailed CsUmProcessCrashAuxiliaryEvent MemoryScanErrorEvent'],
  ['process info event success', 'BPFCommandIssued SensitiveWmiQuery'],
  [
    'process info event unknown',
    'AllocVmEtw AmsBytePatternScanResult AmsBytePatternScanTelemetry GetAsyncKeyStateEtwBatch IPCDetectInfo MemoryAdvise ' +
      'MemoryLocked MemoryMapped PhpBase64Decode PhpEvalString ProcessAncestryInformation ProcessControl ProcessEnvironmentEmpty ' +
      'ProcessPatternTelemetry ProcessSignal ProcessTrace ProcessTreeCompositionPatternTelemetry ProcessWitness ' +
      'RemediationMonitorKillProcess RootkitDetectionResponse ScriptControlDotNetMetadata SetWindowsHook SetWindowsHookExEtw ' +
      'ShellCommandLineInfo SuspiciousLackOfProcessRollupEvents SyntheticProcessTrace SyntheticVirtualMemoryArea ' +
      'ThreadPreviousModeMismatch TriggeredMemoryDumpResponse UmppcDetectInfo VirtualMemoryArea XumdHookEvent',
  ],
  ['process info state unknown', 'ProcessRollup2Stats SyntheticPR2Stats'],
  ['process start alert success', 'RemoteThreadCreate'],
  ['process start event -', 'KernelServiceStarted'],
  [
    'process start event success',
    'ActiveDirectoryIncomingPsExecExecution2 ClassifiedProcessStart CreateThreadKernelNoStartImage CreateThreadNoStartImage ' +
      'FlashThreadCreateProcess HostedServiceStarted PhpExecuteScript ProcessRollup ProcessRollup2 PtyAttached ServiceStarted ' +
      'SyntheticProcessRollup2 WSLDistributionStarted WSLVMStarted WmiCreateProcess',
  ],
  ['process start state success', 'CreateProcessArgs'],
  ['process,authentication change alert success', 'ProcessTokenStolen SystemTokenStolen'],
  ['process,authentication change event success', 'ProcessTokenPrivilegesEdited UACAxisElevation UACCredentialCaptureElevation'],
  ['process,authentication info event unknown', 'ImpersonationTokenInfo'],
  ['process,authentication info,change event success', 'TokenImpersonated UACCOMElevation UACExeElevation UACMSIElevation'],
  ['process,configuration change event success', 'MemoryProtectionChanged MemoryProtectionUpdated'],
  ['process,file access alert success', 'ProcessExecOnPackedExecutable'],
  ['process,file start event success', 'ProcessExecOnRDPFile ProcessExecOnWinRMFile'],
  ['process,file,network access alert success', 'ProcessExecOnSMBFile'],
  ['process,malware change alert unknown', 'KernelCallbackTablePatch NullPageProtectionModificationAttempt ObjCRuntimeAltered'],
  ['process,malware info alert success', 'ProcessHandleOpDetectInfo UserExceptionDEP'],
  [
    'process,malware info alert unknown',
    'ASLRBypassAttempt DwmCompositionResourceExploitAttempt ExtendedExploitMitigationViolatedDetectInfo HeapSprayAttempt ' +
      'IntrusiveProcessDiscovered NullPageUnmapAttempt SEHOverWriteAttempt TrampolineDetected UmppcEntryAnomaly',
  ],
  ['process,malware info event unknown', 'ModuleBlockedEventWithPatternId ModuleDetectInfo'],
  ['process,malware info,denied alert success', 'ModuleBlockedEvent'],
  ['process,malware start alert unknown', 'SuspectCreateThreadStack'],
  ['registry access event unknown', 'RegNtPostOpenKeyEx RegValueQueryDetectInfo'],
  ['registry change alert unknown', 'FalconHostRegTamperingInfo'],
  [
    'registry change event success',
    'AsepKeyUpdate AsepValueUpdate RegCrowdstrikeKeyUpdate RegCrowdstrikeValueUpdate RegGenericKeyUpdate RegGenericValueUpdate ' +
      'RegSystemConfigKeyUpdate UnclassifiedRegValueUpdate',
  ],
  [
    'registry change event unknown',
    'RecoveryActionRegistrySetValueKeyComplete RecoveryActionRegistrySetValueKeyReply RegistryOperationBlocked',
  ],
  ['registry creation event unknown', 'RecoveryActionRegistryCreateKeyComplete RecoveryActionRegistryCreateKeyReply'],
  [
    'registry deletion event unknown',
    'RecoveryActionRegistryDeleteKeyComplete RecoveryActionRegistryDeleteKeyReply RecoveryActionRegistryDeleteValueKeyComplete ' +
      'RecoveryActionRegistryDeleteValueKeyReply RemediationActionRegistryRemoval',
  ],
  ['registry info alert success', 'RegistryOperationDetectInfo'],
  ['registry,configuration info event unknown', 'RemediationMonitorRegistryRemoval'],
  ['registry,file access,creation alert success', 'SAMHashDumpFromUnsignedModule'],
  ['registry,file creation event success', 'RegistryHiveFileWritten'],
  ['registry,host,configuration change event success', 'RegSystemConfigValueUpdate'],
  ['registry,malware access alert unknown', 'RegCredAccessDetectInfo'],
  ['registry,malware change alert unknown', 'RegKeySecurityDecreasedFromUnsignedModule ScheduledTaskTamperingRegistryOperation'],
  ['registry,process access event unknown', 'RegNtPostOpenKeyExUpImpersonating'],
  ['session end event success', 'IoSessionLoggedOn'],
  ['session info event unknown', 'LogonBehaviorCompositionDetectInfo'],
  ['session info state unknown', 'HttpVisibilityStatus'],
  ['session start event success', 'IoSessionConnected'],
  ['session,process info event unknown', 'SessionPatternTelemetry'],
  ['session,process start event success', 'ProcessSessionCreated'],
  ['threat indicator event unknown', 'AssociateIndicator'],
  ['vulnerability info event unknown', 'AuditCveKmEtw AuditCveUmEtw'],
];
