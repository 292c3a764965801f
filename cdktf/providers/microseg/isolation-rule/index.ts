// https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface IsolationRuleConfig extends cdktf.TerraformMetaArguments {
  /**
  * Free text for humans.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule#description IsolationRule#description}
  */
  readonly description?: string;
  /**
  * Two or more groups: members of different groups never talk, either way; members of one group are unaffected.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule#groups IsolationRule#groups}
  */
  readonly groups: IsolationRuleGroups[] | cdktf.IResolvable;
  /**
  * true: every new connection this rule decides is written as one JSON line to the rule log (and to MICROSEG_SYSLOG when set).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule#log IsolationRule#log}
  */
  readonly log?: boolean | cdktf.IResolvable;
  /**
  * `monitor` forwards and records would-deny connections; `apply` enforces; `off` keeps the rule as a draft: stored and validated, never enforced (explain and reachability name the drafts that would have matched).
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule#mode IsolationRule#mode}
  */
  readonly mode: string;
  /**
  * Rule name. Unique; the import ID.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule#name IsolationRule#name}
  */
  readonly name: string;
}
export interface IsolationRuleGroups {
  /**
  * Category name → accepted values. An entity matches when, for every key, its value is one of the listed values.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule#categories IsolationRule#categories}
  */
  readonly categories: { [key: string]: string[] } | cdktf.IResolvable;
}

export function isolationRuleGroupsToTerraform(struct?: IsolationRuleGroups | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    categories: cdktf.hashMapper(cdktf.listMapper(cdktf.stringToTerraform, false))(struct!.categories),
  }
}


export function isolationRuleGroupsToHclTerraform(struct?: IsolationRuleGroups | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    categories: {
      value: cdktf.hashMapperHcl(cdktf.listMapperHcl(cdktf.stringToHclTerraform, false))(struct!.categories),
      isBlock: false,
      type: "map",
      storageClassType: "stringListMap",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class IsolationRuleGroupsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): IsolationRuleGroups | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._categories !== undefined) {
      hasAnyValues = true;
      internalValueResult.categories = this._categories;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: IsolationRuleGroups | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._categories = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._categories = value.categories;
    }
  }

  // categories - computed: false, optional: false, required: true
  private _categories?: { [key: string]: string[] } | cdktf.IResolvable; 
  public get categories() {
    return this.interpolationForAttribute('categories');
  }
  public set categories(value: { [key: string]: string[] } | cdktf.IResolvable) {
    this._categories = value;
  }
  // Temporarily expose input value. Use with caution.
  public get categoriesInput() {
    return this._categories;
  }
}

export class IsolationRuleGroupsList extends cdktf.ComplexList {
  public internalValue? : IsolationRuleGroups[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): IsolationRuleGroupsOutputReference {
    return new IsolationRuleGroupsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule microseg_isolation_rule}
*/
export class IsolationRule extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg_isolation_rule";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a IsolationRule resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the IsolationRule to import
  * @param importFromId The id of the existing IsolationRule that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the IsolationRule to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg_isolation_rule", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs/resources/isolation_rule microseg_isolation_rule} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options IsolationRuleConfig
  */
  public constructor(scope: Construct, id: string, config: IsolationRuleConfig) {
    super(scope, id, {
      terraformResourceType: 'microseg_isolation_rule',
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
    this._description = config.description;
    this._groups.internalValue = config.groups;
    this._log = config.log;
    this._mode = config.mode;
    this._name = config.name;
  }

  // ==========
  // ATTRIBUTES
  // ==========

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

  // groups - computed: false, optional: false, required: true
  private _groups = new IsolationRuleGroupsList(this, "groups", true);
  public get groups() {
    return this._groups;
  }
  public putGroups(value: IsolationRuleGroups[] | cdktf.IResolvable) {
    this._groups.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get groupsInput() {
    return this._groups.internalValue;
  }

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // log - computed: true, optional: true, required: false
  private _log?: boolean | cdktf.IResolvable; 
  public get log() {
    return this.getBooleanAttribute('log');
  }
  public set log(value: boolean | cdktf.IResolvable) {
    this._log = value;
  }
  public resetLog() {
    this._log = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get logInput() {
    return this._log;
  }

  // mode - computed: false, optional: false, required: true
  private _mode?: string; 
  public get mode() {
    return this.getStringAttribute('mode');
  }
  public set mode(value: string) {
    this._mode = value;
  }
  // Temporarily expose input value. Use with caution.
  public get modeInput() {
    return this._mode;
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
      description: cdktf.stringToTerraform(this._description),
      groups: cdktf.listMapper(isolationRuleGroupsToTerraform, false)(this._groups.internalValue),
      log: cdktf.booleanToTerraform(this._log),
      mode: cdktf.stringToTerraform(this._mode),
      name: cdktf.stringToTerraform(this._name),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      groups: {
        value: cdktf.listMapperHcl(isolationRuleGroupsToHclTerraform, false)(this._groups.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "IsolationRuleGroupsList",
      },
      log: {
        value: cdktf.booleanToHclTerraform(this._log),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      mode: {
        value: cdktf.stringToHclTerraform(this._mode),
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
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
