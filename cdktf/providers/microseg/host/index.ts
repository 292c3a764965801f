// https://terraform.local/providers/microseg/microseg/latest/docs/resources/host
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface HostConfig extends cdktf.TerraformMetaArguments {
  /**
  * The Open vSwitch bridge microseg owns on this host.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host#bridge Host#bridge}
  */
  readonly bridge?: string;
  /**
  * Free text for humans.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host#description Host#description}
  */
  readonly description?: string;
  /**
  * Host name. Unique; the import ID.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host#name Host#name}
  */
  readonly name: string;
  /**
  * Set: the service's embedded agent programs this host's OVS through unix:<ovs_rundir>/<bridge>.mgmt. Unset: a standalone microseg-agent serves it.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host#ovs_rundir Host#ovs_rundir}
  */
  readonly ovsRundir?: string;
  /**
  * Bridge ports that face the network.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host#uplinks Host#uplinks}
  */
  readonly uplinks?: string[];
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host microseg_host}
*/
export class Host extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg_host";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a Host resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the Host to import
  * @param importFromId The id of the existing Host that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the Host to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg_host", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/host microseg_host} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options HostConfig
  */
  public constructor(scope: Construct, id: string, config: HostConfig) {
    super(scope, id, {
      terraformResourceType: 'microseg_host',
      terraformGeneratorMetadata: {
        providerName: 'microseg'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._bridge = config.bridge;
    this._description = config.description;
    this._name = config.name;
    this._ovsRundir = config.ovsRundir;
    this._uplinks = config.uplinks;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // bridge - computed: true, optional: true, required: false
  private _bridge?: string; 
  public get bridge() {
    return this.getStringAttribute('bridge');
  }
  public set bridge(value: string) {
    this._bridge = value;
  }
  public resetBridge() {
    this._bridge = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get bridgeInput() {
    return this._bridge;
  }

  // created_at - computed: true, optional: false, required: false
  public get createdAt() {
    return this.getStringAttribute('created_at');
  }

  // description - computed: true, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // ovs_rundir - computed: false, optional: true, required: false
  private _ovsRundir?: string; 
  public get ovsRundir() {
    return this.getStringAttribute('ovs_rundir');
  }
  public set ovsRundir(value: string) {
    this._ovsRundir = value;
  }
  public resetOvsRundir() {
    this._ovsRundir = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get ovsRundirInput() {
    return this._ovsRundir;
  }

  // updated_at - computed: true, optional: false, required: false
  public get updatedAt() {
    return this.getStringAttribute('updated_at');
  }

  // uplinks - computed: true, optional: true, required: false
  private _uplinks?: string[]; 
  public get uplinks() {
    return cdktf.Fn.tolist(this.getListAttribute('uplinks'));
  }
  public set uplinks(value: string[]) {
    this._uplinks = value;
  }
  public resetUplinks() {
    this._uplinks = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get uplinksInput() {
    return this._uplinks;
  }

  // version - computed: true, optional: false, required: false
  public get version() {
    return this.getNumberAttribute('version');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      bridge: cdktf.stringToTerraform(this._bridge),
      description: cdktf.stringToTerraform(this._description),
      name: cdktf.stringToTerraform(this._name),
      ovs_rundir: cdktf.stringToTerraform(this._ovsRundir),
      uplinks: cdktf.listMapper(cdktf.stringToTerraform, false)(this._uplinks),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      bridge: {
        value: cdktf.stringToHclTerraform(this._bridge),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      ovs_rundir: {
        value: cdktf.stringToHclTerraform(this._ovsRundir),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      uplinks: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._uplinks),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
