import os, re, glob
ROOT='/work/main'
MODS=['core','network','ecs','efs-storage','pinned-capacity','session-store','sticky-alb']
# name -> (module, file-stem) for every export in modules/*/*.ts (not index)
defs={}
kinds={}
for m in MODS:
    for f in glob.glob(f'{ROOT}/modules/{m}/*.ts'):
        stem=os.path.basename(f)[:-3]
        if stem=='index': continue
        src=open(f).read()
        for mm in re.finditer(r'^export (?:declare )?(?:abstract )?(class|interface|type|function|const|enum) (\w+)',src,re.M):
            defs[(m,mm.group(2))]=stem
            kinds[(m,mm.group(2))]=mm.group(1)
# public API per module: constructs, props and value types
PUBLIC={
 'core':['Connectable','EgressDestination','Consumer','Prerequisites','WiringCheck','RoleRef','RoleKind','PolicyStatement','PolicyDocument'],
 'network':['NetworkRef','ExampleNetwork','ExampleNetworkProps','NatGatewayMode'],
 'ecs':['ClusterRef','ContainerInsights','EcsCluster','EcsClusterProps','ContainerLogs','ContainerLogsProps','ContainerSpec','LoadBalancerTarget','ContainerServiceProps','DeploymentSettings','LaunchSettings','PlacementConstraint','ContainerService','Ec2Service','Ec2ServiceProps','FargateService','FargateServiceProps','GeneratedSecret','GeneratedSecretProps','TaskRoles','TaskRolesProps','ContainerMountPoint','TaskVolume','VolumeGuard','VolumePlacement'],
 'efs-storage':['EfsAccessPoint','AccessPointOptions','EfsAlarmOptions','EfsStorage','EfsStorageProps','MountOptions','PerformanceMode','ThroughputMode','TransitionAge','EfsLifecycle','GrantOptions'],
 'pinned-capacity':['PinnedEbsCapacity','PinnedEbsCapacityProps','RunOptions','RecoveryMode','VolumeFileSystem','PinnedVolumeOptions','SingleWriterLockOptions','SnapshotOptions','VolumeSnapshots','VolumeSnapshotsProps'],
 'session-store':['SessionStore','SessionStoreProps','SessionAuth','CacheEngine','MaxmemoryPolicy','CacheAlarmOptions','DynamoSessionTable','DynamoSessionTableProps'],
 'sticky-alb':['StickyAlb','StickyAlbProps','Stickiness','HealthCheckOptions'],
}
for m,names in PUBLIC.items():
    for n in names:
        assert (m,n) in defs, (m,n)
# write index files
for m,names in PUBLIC.items():
    byfile={}
    for n in names: byfile.setdefault(defs[(m,n)],[]).append(n)
    lines=[]
    for stem in sorted(byfile):
        vals=[n for n in byfile[stem] if kinds[(m,n)] in ('class','function','const','enum')]
        types=[n for n in byfile[stem] if n not in vals]
        if vals: lines.append(f'export {{ {", ".join(sorted(vals))} }} from "./{stem}";')
        if types: lines.append(f'export type {{ {", ".join(sorted(types))} }} from "./{stem}";')
    open(f'{ROOT}/modules/{m}/index.ts','w').write('\n'.join(lines)+'\n')
IMPORT=re.compile(r'import (type )?\{([^}]*)\} from "([^"]+)";',re.S)
def rewrite(path):
    src=open(path).read()
    d=os.path.dirname(path)
    inside_modules=path.startswith(f'{ROOT}/modules/')
    def sub(mt):
        typeonly, names, spec = mt.group(1), mt.group(2), mt.group(3)
        if not spec.startswith('.'): return mt.group(0)
        target=os.path.normpath(os.path.join(d,spec))
        rel=os.path.relpath(target,f'{ROOT}/modules')
        if rel.startswith('..') or '/' in rel or rel not in MODS: return mt.group(0)
        m=rel
        items=[x.strip() for x in names.split(',') if x.strip()]
        keep=[]; byfile={}
        for it in items:
            nm=it.replace('type ','').split(' as ')[0].strip()
            if not inside_modules and nm in PUBLIC[m]:
                keep.append(it); continue
            stem=defs.get((m,nm))
            assert stem, (path,m,nm)
            byfile.setdefault(stem,[]).append(it)
        out=[]
        if keep: out.append(f'import {typeonly or ""}{{ {", ".join(keep)} }} from "{spec}";')
        for stem,its in sorted(byfile.items()):
            out.append(f'import {typeonly or ""}{{ {", ".join(its)} }} from "{spec}/{stem}";')
        return '\n'.join(out)
    new=IMPORT.sub(sub,src)
    if new!=src: open(path,'w').write(new)
for pat in ['modules/**/*.ts','stacks/**/*.ts','bench/**/*.ts','__tests__/**/*.ts','analysis/**/*.ts','main.ts']:
    for f in glob.glob(f'{ROOT}/{pat}',recursive=True):
        if f.endswith('/index.ts') and '/modules/' in f: continue
        rewrite(f)
