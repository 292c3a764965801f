// https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface AddressGroupConfig extends cdktf.TerraformMetaArguments {
  /**
  * The networks (CIDRs or address ranges) in the group.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group#cidrs AddressGroup#cidrs}
  */
  readonly cidrs: string[];
  /**
  * Free text for humans.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group#description AddressGroup#description}
  */
  readonly description?: string;
  /**
  * CIDRs taken out of the group.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group#except AddressGroup#except}
  */
  readonly except?: string[];
  /**
  * Address group name. Unique; the import ID.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group#name AddressGroup#name}
  */
  readonly name: string;
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group microseg_address_group}
*/
export class AddressGroup extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg_address_group";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a AddressGroup resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the AddressGroup to import
  * @param importFromId The id of the existing AddressGroup that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the AddressGroup to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg_address_group", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/address_group microseg_address_group} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options AddressGroupConfig
  */
  public constructor(scope: Construct, id: string, config: AddressGroupConfig) {
    super(scope, id, {
      terraformResourceType: 'microseg_address_group',
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
    this._cidrs = config.cidrs;
    this._description = config.description;
    this._except = config.except;
    this._name = config.name;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // cidrs - computed: false, optional: false, required: true
  private _cidrs?: string[]; 
  public get cidrs() {
    return cdktf.Fn.tolist(this.getListAttribute('cidrs'));
  }
  public set cidrs(value: string[]) {
    this._cidrs = value;
  }
  // Temporarily expose input value. Use with caution.
  public get cidrsInput() {
    return this._cidrs;
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

  // except - computed: false, optional: true, required: false
  private _except?: string[]; 
  public get except() {
    return cdktf.Fn.tolist(this.getListAttribute('except'));
  }
  public set except(value: string[]) {
    this._except = value;
  }
  public resetExcept() {
    this._except = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get exceptInput() {
    return this._except;
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

  // updated_at - computed: true, optional: false, required: false
  public get updatedAt() {
    return this.getStringAttribute('updated_at');
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
      cidrs: cdktf.listMapper(cdktf.stringToTerraform, false)(this._cidrs),
      description: cdktf.stringToTerraform(this._description),
      except: cdktf.listMapper(cdktf.stringToTerraform, false)(this._except),
      name: cdktf.stringToTerraform(this._name),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      cidrs: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._cidrs),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      except: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._except),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
